/**
 * Child process of api.bench.ts: the framework floor. The same query and JSON as the bare server (bare-server.ts),
 * but answered through the stack the API is built on (Express 5 + tRPC 11's Express adapter + a zod input), with
 * nothing of the API's own: no auth, no logging, no security headers, no presigning. What is left between this and
 * the bare server is what Express and tRPC cost per request; what is left between this and the API is ours.
 * With FLOOR_URL_CHARS it answers as many bytes as the API does (below): the same stack's ceiling for that response.
 * With FLOOR_COMPRESS it compresses as the API does (the same `compression` middleware and settings; asked for gzip).
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { initTRPC } from "@trpc/server";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import compression from "compression";
import express from "express";
import pg from "pg";
import { z } from "zod";
import { listSql } from "./bare-server.ts";

const [dbUrl, ownerId] = [process.env.BARE_DB_URL!, process.env.BARE_OWNER_ID!];
const pool = new pg.Pool({ connectionString: dbUrl, max: 10 });
const statements = new Map<number, ReturnType<typeof listSql>>();
/**
 * FLOOR_URL_CHARS: each item also carries two strings of this length (where the API's items carry their presigned
 * thumbnail and preview URLs), made once like the API's cached URLs, so the response is as large as the API's.
 */
const URL_CHARS = Number(process.env.FLOOR_URL_CHARS ?? 0);
const madeUrls: { thumbnailUrl: string; previewUrl: string }[] = [];
const urls = (i: number) => (madeUrls[i] ??= { thumbnailUrl: `https://t/${i}/`.padEnd(URL_CHARS, "t"), previewUrl: `https://p/${i}/`.padEnd(URL_CHARS, "p") });
const t = initTRPC.create();
const router = t.router({
  photos: t.router({
    list: t.procedure.input(z.object({ limit: z.number().int().min(1).max(100) })).query(async ({ input }) => {
      if (!statements.has(input.limit)) statements.set(input.limit, listSql(ownerId, input.limit));
      const { text, values } = statements.get(input.limit)!;
      const { rows } = await pool.query(text, values);
      const items = URL_CHARS ? rows.slice(0, input.limit).map((r: Record<string, unknown>, i: number) => ({ ...r, ...urls(i) })) : rows.slice(0, input.limit);
      const last = items.at(-1) as { created_at: Date; id: string } | undefined;
      return { items, nextCursor: rows.length > input.limit && last ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString("base64url") : null };
    }),
  }),
});
const app = express();
if (process.env.FLOOR_COMPRESS) app.use(compression());
app.use("/trpc", createExpressMiddleware({ router }));
const server = app.listen(0, "127.0.0.1");
await once(server, "listening");
process.send!({ kind: "ready", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
process.on("message", () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
