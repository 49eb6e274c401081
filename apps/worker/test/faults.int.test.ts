import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { keys } from "@photoreel/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER } from "./entries";
import { draftSpec, postForm, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";

const WORKER_ENV = { RENDER_VISIBILITY_TIMEOUT: "10", RENDER_STALE_SECONDS: "5", SWEEP_INTERVAL_SECONDS: "1", RESEND_AFTER_SECONDS: "2", WORKER_SHUTDOWN_GRACE_SECONDS: "1" };

describe("faults in the render pipeline", () => {
  let t: TestStack;
  let alice: Awaited<ReturnType<TestStack["signUp"]>>;
  let photoIds: string[];
  let worker: WorkerProcess | null = null;
  beforeAll(async () => {
    t = await startTestStack({ env: WORKER_ENV });
    alice = await t.signUp();
    const bodies = await Promise.all(["#aa3333", "#33aa33", "#3333aa"].map((c) => sharp({ create: { width: 800, height: 600, channels: 3, background: c } }).jpeg().toBuffer()));
    photoIds = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `${i}.jpg`, type: "image/jpeg", body })));
  }, 90_000);
  afterAll(async () => {
    worker?.child.kill("SIGKILL");
    await t?.stop();
  });

  const spec = (n = 3) => draftSpec(Array.from({ length: n }, (_, i) => photoIds[i % 3]!));
  const outputs = async (videoId: string) => {
    const found: string[] = [];
    for await (const o of t.app.adapters.blobs.list(keys.videoPrefix(alice.user.sub, videoId))) found.push(o.key);
    return found.sort();
  };
  const allReady = (ids: string[], timeoutMs: number) =>
    until("all READY", async () => {
      const vs = await Promise.all(ids.map((id) => alice.caller.videos.get({ id })));
      if (vs.some((v) => v.status === "FAILED" || v.status === "CANCELED")) throw new Error(vs.map((v) => `${v.status}:${v.error}`).join());
      return vs.every((v) => v.status === "READY");
    }, timeoutMs, 500);

  it("the queue restarts while jobs are queued: the sweeper re-sends them and nothing is lost", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await alice.caller.videos.create(spec())).id);
    await t.stack.restart("sqs"); // in-memory queue: the three messages are gone
    expect((await t.app.adapters.queue.depth("render")).visible).toBe(0);
    worker = spawnWorker(WORKER, t.env);
    await allReady(ids, 90_000);
    for (const id of ids) expect(await outputs(id)).toEqual([keys.poster(alice.user.sub, id), keys.video(alice.user.sub, id)]);
    expect(worker.logs.some((l) => l.includes('"resent"'))).toBe(true);
  }, 120_000);

  it("SIGKILL at random points of 10 renders: every job ends READY exactly once", async () => {
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await alice.caller.videos.create(spec(4))).id);
    let kills = 0;
    const deadline = Date.now() + 120_000;
    while (kills < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 2500));
      worker!.child.kill("SIGKILL");
      await worker!.exited;
      kills++;
      worker = spawnWorker(WORKER, t.env);
    }
    await allReady(ids, 150_000);
    for (const id of ids) expect(await outputs(id)).toEqual([keys.poster(alice.user.sub, id), keys.video(alice.user.sub, id)]);
    expect(kills).toBe(4);
  }, 240_000);

  it("SIGTERM mid-render: the worker hands the job back at once and exits; another worker finishes it", async () => {
    const v = await alice.caller.videos.create({ ...spec(12), secondsPerPhoto: 4, resolution: "1080p", quality: "final" });
    await until("rendering", async () => (await alice.caller.videos.get({ id: v.id })).status === "RENDERING", 60_000);
    const t0 = Date.now();
    worker!.child.kill("SIGTERM");
    await until("handed back", async () => (await alice.caller.videos.get({ id: v.id })).status === "QUEUED", 5_000, 100);
    // It exits once its consumers' last long polls (10 s at most) have answered: see apps/worker/test/shutdown.
    expect(await worker!.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(16_000);
    worker = spawnWorker(WORKER, t.env);
    await allReady([v.id], 120_000);
    expect(await outputs(v.id)).toHaveLength(2);
  }, 180_000);

  it("S3 down during a render: the job is retried and finishes once S3 is back", async () => {
    worker!.child.kill("SIGKILL");
    await worker!.exited;
    const v = await alice.caller.videos.create(spec());
    await t.stack.pause("s3");
    worker = spawnWorker(WORKER, t.env);
    await until("a failed attempt", async () => worker!.logs.some((l) => l.includes("will be redelivered")), 30_000);
    await t.stack.resume("s3");
    await allReady([v.id], 90_000);
    expect(await outputs(v.id)).toHaveLength(2);
  }, 150_000);

  it("S3 down during upload completion: a clear retryable error, nothing half-done, works once S3 is back", async () => {
    const body = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#888888" } }).jpeg().toBuffer();
    const { results } = await alice.caller.photos.createUploads({ files: [{ filename: "late.jpg", contentType: "image/jpeg", bytes: body.length }] });
    const r = results[0]!;
    if (!r.ok) throw new Error("refused");
    expect((await postForm(r.upload, body, "late.jpg", "image/jpeg")).status).toBeLessThan(300);
    await t.stack.pause("s3");
    try {
      await expect(alice.caller.photos.completeUpload({ id: r.photoId })).rejects.toMatchObject({ message: expect.stringMatching(/unavailable|try again/i) });
      expect((await alice.caller.photos.get({ id: r.photoId })).status).toBe("uploading");
    } finally {
      await t.stack.resume("s3");
    }
    await alice.caller.photos.completeUpload({ id: r.photoId });
    await t.app.localProcessing!.idle();
    expect((await alice.caller.photos.get({ id: r.photoId })).status).toBe("ready");
  }, 60_000);

  it("a worker whose FFmpeg lacks libx264 stops at start, saying so, and takes no job; a good worker then renders it", async () => {
    worker?.child.kill("SIGKILL");
    await worker?.exited;
    const v = await alice.caller.videos.create(spec());
    // The real FFmpeg, except that its encoder list (what the start-up check reads) has no libx264.
    const dir = await mkdtemp(path.join(os.tmpdir(), "no-x264-"));
    const fake = path.join(dir, "ffmpeg");
    await writeFile(fake, `#!/bin/sh\nexec ffmpeg "$@" | grep -v libx264\n`, { mode: 0o755 });
    const broken = spawnWorker(WORKER, { ...t.env, FFMPEG_PATH: fake });
    expect(await broken.exited).toBe(1);
    expect(broken.logs.join("\n")).toMatch(/FFmpeg at .* lacks encoder libx264/);
    expect((await alice.caller.videos.get({ id: v.id })).status).toBe("QUEUED");
    await rm(dir, { recursive: true, force: true });
    worker = spawnWorker(WORKER, t.env);
    await allReady([v.id], 90_000);
  }, 120_000);
});
