import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ConfigError } from "@photoreel/config";
import { describe, expect, it } from "vitest";
import { bootstrap } from "../src/bootstrap";

describe("bootstrap", () => {
  it("parses the given environment and logs at its LOG_LEVEL, tagged with the app", async () => {
    const { config, log } = await bootstrap("api", { env: { LOG_LEVEL: "warn", PORT: "9999" } });
    expect(config.PORT).toBe(9999);
    expect(log.level).toBe("warn");
    expect(log.bindings()).toMatchObject({ app: "api" });
    expect((await bootstrap("api", { env: {} })).log.level).toBe("info");
  });

  it("adds the app's own fields to every log line", async () => {
    const { log } = await bootstrap("worker", { env: { WORKER_ID: "local-3" }, logBase: (c) => ({ workerId: c.WORKER_ID }) });
    expect(log.bindings()).toMatchObject({ app: "worker", workerId: "local-3" });
  });

  it("on the embedded stack merges the stand-ins' variables and parses again", async () => {
    const seen: string[] = [];
    const { config, env } = await bootstrap("api", {
      env: { S3_BUCKET: "before", LOG_LEVEL: "silent" },
      embedded: async (c) => {
        seen.push(c.S3_BUCKET);
        return { S3_BUCKET: "from-the-stack", LOG_LEVEL: "error" };
      },
    });
    expect(seen).toEqual(["before"]);
    expect(config.S3_BUCKET).toBe("from-the-stack");
    expect(env.S3_BUCKET).toBe("from-the-stack");
  });

  it("on AWS does not start the embedded stack", async () => {
    let started = false;
    const { config } = await bootstrap("api", {
      env: { STACK: "aws" },
      embedded: async () => {
        started = true;
        return {};
      },
    });
    expect(config.STACK).toBe("aws");
    expect(started).toBe(false);
  });

  it("stops on a bad setting with an error naming the variable", async () => {
    await expect(bootstrap("api", { env: { WORKER_ID: "has spaces" } })).rejects.toThrow(ConfigError);
    await expect(bootstrap("api", { env: { LOG_LEVEL: "loud" } })).rejects.toThrow(/LOG_LEVEL/);
  });
});

// Each case starts a process (tsx, the config and adapters packages): seconds on a busy machine.
describe("runMain", { timeout: 60_000 }, () => {
  const run = (failWith: "config" | "other") =>
    spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./fixtures/fail-at-start.ts", import.meta.url)), failWith], { encoding: "utf8" });

  it("a bad setting prints the config error and exits 2", () => {
    const r = run("config");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Invalid configuration:\n {2}- PORT: /);
  });

  it("any other start-up failure is logged as fatal JSON and exits 1", () => {
    const r = run("other");
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { level: number; app: string; msg: string; err: { message: string } };
    expect(line).toMatchObject({ level: 60, app: "fixture", msg: "fixture failed to start", err: { message: "no FFmpeg" } });
  });
});
