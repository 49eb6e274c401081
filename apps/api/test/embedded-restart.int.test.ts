import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@photoreel/config";
import { startLocalStack } from "@photoreel/local-stack";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { composeApi } from "../src/compose";
import { createHttpApp } from "../src/http/app";
import { PASSWORD, trpcHttp } from "./harness";

const dataDir = mkdtempSync(join(tmpdir(), "photoreel-restart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The whole embedded app (stand-ins incl. PGlite on disk, API over HTTP) as `start` runs it, on free ports. */
async function boot() {
  const stack = await startLocalStack({ dataDir, webOrigin: "http://127.0.0.1", ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 } });
  const config = loadConfig({ ...process.env, ...stack.env, DATA_DIR: dataDir });
  const log = pino({ level: "silent" });
  const app = await composeApi(config, log);
  const server = createHttpApp(app, log).listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.close();
      server.closeAllConnections();
      await app.close();
      await stack.stop();
    },
  };
}

it("starts from nothing, signs up and in over HTTP, and keeps the user across a restart", async () => {
  const email = `restart-${Date.now()}@example.com`;
  const first = await boot();
  try {
    expect((await trpcHttp(first.baseUrl, "auth.signUp", { email, password: PASSWORD })).status).toBe(200);
    const signIn = await trpcHttp(first.baseUrl, "auth.signIn", { email, password: PASSWORD });
    const cookie = signIn.cookies.find((c) => c.startsWith("pr_at="))!.split(";")[0]!;
    const me = await trpcHttp(first.baseUrl, "auth.me", null, { method: "GET", cookie });
    expect(me.body.result?.data).toMatchObject({ email });
    const ready = await fetch(`${first.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
  } finally {
    await first.stop();
  }

  const second = await boot();
  try {
    const signIn = await trpcHttp(second.baseUrl, "auth.signIn", { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    const cookie = signIn.cookies.find((c) => c.startsWith("pr_at="))!.split(";")[0]!;
    const me = await trpcHttp(second.baseUrl, "auth.me", null, { method: "GET", cookie });
    expect(me.body.result?.data).toMatchObject({ email });
  } finally {
    await second.stop();
  }
}, 120_000);
