import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./harness";
import { draftSpec, uploadPhotos } from "./uploads";
import { BUNDLED_WORKER, spawnWorker, until, type WorkerProcess } from "./worker-process";

const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;

beforeAll(async () => {
  // The worker's own build script, as the image's build stage runs it.
  await exec("pnpm", ["run", "build"], { cwd: dirname(dirname(BUNDLED_WORKER)) });
  t = await startTestStack();
  worker = spawnWorker(t.env, { bundled: true });
}, 120_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
});

describe("the bundled worker (what the worker image runs)", () => {
  it("ships its pre-scale child beside main.js and renders a video to READY", async () => {
    expect(existsSync(join(dirname(BUNDLED_WORKER), "prescale-child.js"))).toBe(true);
    const alice = await t.signUp();
    const bodies = await Promise.all(
      ["#c04040", "#40c040"].map((background) => sharp({ create: { width: 1200, height: 900, channels: 3, background } }).jpeg().toBuffer()),
    );
    const ids = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `b${i}.jpg`, type: "image/jpeg", body })));
    const created = await alice.caller.videos.create(draftSpec(ids));
    const ready = await until(`video ${created.id} READY`, async () => {
      const v = await alice.caller.videos.get({ id: created.id });
      if (v.status === "FAILED") throw new Error(`failed: ${v.error}; worker log:\n${worker.logs.slice(-10).join("\n")}`);
      return v.status === "READY" ? v : null;
    }, 60_000);
    expect(ready.bytes).toBeGreaterThan(0);
    expect((await fetch(ready.posterUrl!)).status).toBe(200);
  }, 120_000);
});
