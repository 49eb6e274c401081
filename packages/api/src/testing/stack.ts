import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInnerContext, memorySession } from "../context";
import { createCaller } from "../root";
import { composeServiceGraph, type ServiceGraph } from "@photoreel/bootstrap/services";
import { loadConfig, readEnvironment, type Config } from "@photoreel/config";
import type { VerifiedUser } from "@photoreel/core";
import { createTestDatabase } from "@photoreel/db/testing";
import { startLocalStack, type CognitoMessage, type LocalStack } from "@photoreel/local-stack";
import { pino, type Logger } from "pino";

export type Caller = ReturnType<typeof createCaller>;

export interface TestStack {
  /** The API's service graph, composed exactly as the API composes it. */
  app: ServiceGraph & { config: Config };
  config: Config;
  stack: LocalStack;
  /** What Cognito's stand-in "e-mailed" (confirmation codes), oldest first. */
  cognitoMessages: CognitoMessage[];
  /** The variables that point an app (a worker process, the API) at these stand-ins and this database. */
  env: Record<string, string>;
  /** Signs up (auto-confirmed), signs in, and returns a caller acting as that user. */
  signUp(email?: string): Promise<{ user: VerifiedUser; caller: Caller; accessToken: string; email: string; password: string }>;
  callerFor(user: VerifiedUser | null): Caller;
  stop(): Promise<void>;
}

let counter = 0;
export const PASSWORD = "Correct-Horse-9";

/**
 * The embedded stand-ins on free ports plus a fresh database on the real PostgreSQL server (or `databaseUrl`), and
 * the API's service graph composed over them in this process, with callers of this router acting as signed-up users.
 * No HTTP: the API server's own tests add its HTTP app. Lives beside the router (not in @photoreel/testkit) so the
 * router's tests use it without a package cycle; the worker's and the server's tests import `@photoreel/api/testing`.
 */
export async function startTestStack(
  opts: { realPostgres?: boolean; databaseUrl?: string; env?: Record<string, string>; /** The service graph's logger (silent by default). */ log?: Logger } = {},
): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "photoreel-test-"));
  const cognitoMessages: CognitoMessage[] = [];
  const stack = await startLocalStack({
    dataDir,
    webOrigin: "http://127.0.0.1",
    ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 },
    inMemory: true,
    onCognitoMessage: (m) => void cognitoMessages.push(m),
  });
  const pg = opts.realPostgres === false || opts.databaseUrl ? null : await createTestDatabase({ migrate: false });
  const dbUrl = opts.databaseUrl ?? pg?.url;
  const env: Record<string, string> = {
    ...stack.env,
    ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
    LOG_LEVEL: "silent",
    PORT: "0",
    // Every test signs up from 127.0.0.1: the per-IP limits have their own suite.
    RATE_LIMIT_SIGNUP_PER_IP: "1000",
    RATE_LIMIT_SIGNIN_PER_IP: "1000",
    ...opts.env,
  };
  const config = loadConfig({ ...readEnvironment(), ...env });
  const graph = await composeServiceGraph(config, opts.log ?? pino({ level: "silent" }));
  const app = { config, ...graph };

  const callerFor = (user: VerifiedUser | null) => createCaller(createInnerContext({ services: app.services, user, session: memorySession() }));
  return {
    app,
    config,
    stack,
    cognitoMessages,
    env,
    callerFor,
    async signUp(email = `user${++counter}-${Date.now()}@example.com`) {
      const anon = callerFor(null);
      await anon.auth.signUp({ email, password: PASSWORD });
      const { accessToken } = await anon.auth.signIn({ email, password: PASSWORD });
      const user = await app.verifier.verifyAccessToken(accessToken);
      return { user, caller: callerFor(user), accessToken, email, password: PASSWORD };
    },
    async stop() {
      await app.close();
      await pg?.drop();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
