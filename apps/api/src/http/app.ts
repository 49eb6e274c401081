import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { appRouter, createRequestContext } from "@photoreel/api";
import { isWebPage } from "@photoreel/contracts";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import type { ApiApp } from "../compose";
import { bucketOrigin } from "./bucket-origin";
import { cookieSession, requestToken } from "./session-cookies";
import { registerSharePages } from "./share-page";

/**
 * What the log keeps of a request: method, path (no query string; a share link's token masked), status, duration
 * and the signed-in user's id, if any. The request id is on the line already: quietReqLogger binds it to the
 * request's logger, and adding it here wrote the key twice.
 */
function requestLine(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  // originalUrl: inside a mounted router (/trpc) express has cut the prefix off req.url.
  const path = ((req as Partial<Request>).originalUrl ?? req.url ?? "").split("?")[0]!.replace(/^\/s\/[^/]+/, "/s/:token");
  const userId = (res as Partial<Response>).locals?.userId as string | undefined;
  return { method: req.method, path, status: res.statusCode, durationMs, ...(userId ? { userId } : {}) };
}

export function createHttpApp(app: ApiApp, log: Logger) {
  const { config } = app;
  const publicUrl = new URL(config.PUBLIC_URL);
  const https = publicUrl.protocol === "https:";
  const s3Origins = [bucketOrigin(config)];
  const x = express();
  x.disable("x-powered-by");
  x.set("trust proxy", config.STACK === "aws" ? 1 : false);

  x.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
      // One line per request with these fields only: never its headers (cookies, Authorization), query string or body.
      quietReqLogger: true,
      quietResLogger: true,
      customSuccessObject: (req, res, val: { responseTime: number }) => requestLine(req, res, val.responseTime),
      customErrorObject: (req, res, _err, val: { responseTime: number }) => requestLine(req, res, val.responseTime),
    }),
  );

  // Every text answer of 1 KiB or more goes out gzipped when the client accepts it: the photo list is 62 KiB here
  // and about 170 KiB on AWS (each presigned URL carries the task role's session token), the app's scripts 400 KiB;
  // gzipped they are a tenth or less of that. Nothing in front of the task compresses (the load balancer passes
  // bodies through). gzip, not brotli, though every browser takes both: under load (bench/api) a brotli stream added
  // two to three times the CPU per answer that gzip adds (its encoder's state is megabytes per response) for 5-15%
  // fewer bytes, so `br` is taken out of what the request accepts before the middleware negotiates.
  // BREACH needs a victim's browser to send many attacker-shaped requests with its session; the session cookies are
  // SameSite=Strict, so a foreign page cannot.
  x.use((req: Request, _res: Response, next: NextFunction) => {
    const accepts = req.headers["accept-encoding"];
    if (accepts?.includes("br")) req.headers["accept-encoding"] = accepts.split(",").filter((c) => c.split(";")[0]!.trim().toLowerCase() !== "br").join(",");
    next();
  });
  x.use(compression());

  x.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:", "blob:", ...s3Origins],
          mediaSrc: ["'self'", "blob:", ...s3Origins],
          connectSrc: ["'self'", ...s3Origins],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
      frameguard: { action: "deny" },
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: "same-origin" },
    }),
  );

  x.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  x.get("/readyz", async (_req, res) => {
    const checks = await app.readiness();
    const failed = Object.entries(checks).filter(([, v]) => v !== "ok");
    res.status(failed.length ? 503 : 200).json({ status: failed.length ? "unavailable" : "ok", checks });
  });

  registerSharePages(x, app);

  // CSRF: state changes are POSTs with a JSON body, and we also refuse any cross-origin Origin header.
  // Together with SameSite=Strict cookies a foreign page can neither send nor forge them.
  x.use("/trpc", (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "POST") {
      const origin = req.headers.origin;
      if (origin && origin !== publicUrl.origin) {
        res.status(403).json({ error: { message: "Cross-site request refused", code: "FORBIDDEN" } });
        return;
      }
      const ct = req.headers["content-type"] ?? "";
      if (!ct.startsWith("application/json")) {
        res.status(415).json({ error: { message: "Send JSON (Content-Type: application/json)", code: "UNSUPPORTED_MEDIA_TYPE" } });
        return;
      }
    }
    next();
  });

  x.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: 1024 * 1024,
      // One request may carry a few calls (the web client batches at most 20), not thousands.
      maxBatchSize: 50,
      createContext: async ({ req, res }) => {
        const session = cookieSession(req, res, https);
        const ctx = await createRequestContext({ services: app.services, session, token: requestToken(req, session), ip: req.ip ?? "unknown", requestId: String(req.id), logger: req.log });
        // For the request's log line (requestLine).
        if (ctx.user) res.locals.userId = ctx.user.sub;
        return ctx;
      },
      onError: () => {
        // Logged once by the router's error middleware (internal errors only).
      },
    }),
  );

  const dist = config.WEB_DIST_DIR;
  if (dist && existsSync(join(dist, "index.html"))) {
    x.use(express.static(dist, { index: false, maxAge: "1y", immutable: true, setHeaders: (res, path) => path.endsWith(".html") && res.setHeader("Cache-Control", "no-cache") }));
    // The app's pages get its index; any other address gets the index too (the app draws its "Page not found") but
    // with a 404, so a mistyped or stale link is not a soft 404. A missing script or image is a plain 404.
    x.get(/^\/(?!trpc|healthz|readyz|assets\/).*/, (req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.status(isWebPage(req.path) ? 200 : 404).sendFile(join(dist, "index.html"));
    });
  }

  x.use((_req, res) => {
    res.status(404).json({ error: { message: "Not found", code: "NOT_FOUND" } });
  });
  x.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) req.log.error({ err }, "unhandled error");
    res.status(status).json({ error: { message: status >= 500 ? "Something went wrong on our side" : "Bad request", code: status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST" } });
  });
  return x;
}
