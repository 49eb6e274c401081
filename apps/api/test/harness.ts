import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCaller, createInnerContext, memorySession } from "@photoreel/api";
import { loadConfig, type Config } from "@photoreel/config";
import type { VerifiedUser } from "@photoreel/core";
import { createTestDatabase } from "@photoreel/db/testing";
import { startLocalStack, type LocalStack } from "@photoreel/local-stack";
import { pino } from "pino";
import { composeApi, type ApiApp } from "../src/compose";
import { createHttpApp } from "../src/http/app";

export interface TestStack {
  app: ApiApp;
  config: Config;
  stack: LocalStack;
  env: Record<string, string>;
  baseUrl: string;
  /** Signs up (auto-confirmed), signs in, and returns a caller acting as that user. */
  signUp(email?: string): Promise<{ user: VerifiedUser; caller: ReturnType<typeof createCaller>; accessToken: string; email: string; password: string }>;
  callerFor(user: VerifiedUser | null): ReturnType<typeof createCaller>;
  stop(): Promise<void>;
}

let counter = 0;
export const PASSWORD = "Correct-Horse-9";

/**
 * The embedded stand-ins on free ports plus a fresh database on the real PostgreSQL server, composed exactly like
 * the API app, and the HTTP server on a free port.
 */
export async function startTestStack(opts: { realPostgres?: boolean; databaseUrl?: string; env?: Record<string, string> } = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "photoreel-test-"));
  const stack = await startLocalStack({ dataDir, webOrigin: "http://127.0.0.1", ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 }, inMemory: true });
  const pg = opts.realPostgres === false || opts.databaseUrl ? null : await createTestDatabase({ migrate: false });
  const dbUrl = opts.databaseUrl ?? pg?.url;
  const env: Record<string, string> = { ...stack.env, ...(dbUrl ? { DATABASE_URL: dbUrl } : {}), LOG_LEVEL: "silent", PORT: "0", RATE_LIMIT_SIGNUP_PER_IP: "1000", RATE_LIMIT_SIGNIN_PER_IP: "1000", ...opts.env };
  const config = loadConfig({ ...process.env, ...env });
  const log = pino({ level: "silent" });
  const app = await composeApi(config, log);
  const server = createHttpApp(app, log).listen(0, "127.0.0.1");
  await once(server, "listening");
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const callerFor = (user: VerifiedUser | null) => createCaller(createInnerContext({ services: app.services, user, session: memorySession() }));
  return {
    app,
    config,
    stack,
    env,
    baseUrl,
    callerFor,
    async signUp(email = `user${++counter}-${Date.now()}@example.com`) {
      const anon = callerFor(null);
      await anon.auth.signUp({ email, password: PASSWORD });
      const { accessToken } = await anon.auth.signIn({ email, password: PASSWORD });
      const user = await app.verifier.verifyAccessToken(accessToken);
      return { user, caller: callerFor(user), accessToken, email, password: PASSWORD };
    },
    async stop() {
      server.close();
      server.closeAllConnections();
      await app.close();
      await pg?.drop();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** tRPC over HTTP exactly as the web client speaks it. */
export async function trpcHttp(baseUrl: string, path: string, input: unknown, opts: { method?: "GET" | "POST"; cookie?: string; token?: string } = {}) {
  const method = opts.method ?? "POST";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const query = method === "GET" && input !== null && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "";
  const url = `${baseUrl}/trpc/${path}${query}`;
  // Like tRPC's batch link, a POST always carries a JSON body.
  const init = method === "POST" ? { body: JSON.stringify(input ?? {}) } : {};
  const res = await fetch(url, { method, headers, ...init });
  const body = (await res.json()) as { result?: { data: unknown }; error?: { message: string; data: { code: string; fieldErrors?: Record<string, string[]> } } };
  return { status: res.status, body, headers: res.headers, cookies: res.headers.getSetCookie() };
}
