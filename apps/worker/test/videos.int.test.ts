import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createAwsClients, credentialsOf } from "@photoreel/adapters";
import type { VideoSpecInput } from "@photoreel/contracts";
import { keys } from "@photoreel/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER } from "./entries";
import { draftSpec, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";

const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;
let alice: Awaited<ReturnType<TestStack["signUp"]>>;
let photoIds: string[];

const WORKER_ENV = { RENDER_VISIBILITY_TIMEOUT: "10", RENDER_STALE_SECONDS: "6", SWEEP_INTERVAL_SECONDS: "2", RESEND_AFTER_SECONDS: "3", WORKER_SHUTDOWN_GRACE_SECONDS: "1" };

beforeAll(async () => {
  t = await startTestStack({ env: WORKER_ENV });
  worker = spawnWorker(WORKER, t.env);
  alice = await t.signUp();
  const colors = ["#d04030", "#30a050", "#3050d0", "#d0c030"];
  const bodies = await Promise.all(colors.map((c, i) => sharp({ create: { width: 1600 - i * 200, height: 1200, channels: 3, background: c } }).jpeg().toBuffer()));
  photoIds = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `p${i}.jpg`, type: "image/jpeg", body })));
}, 90_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
});

const smallSpec = (over: Partial<VideoSpecInput> = {}) => draftSpec(photoIds.slice(0, 3), over);

const waitFor = (id: string, status: string, timeoutMs = 90_000) =>
  until(`video ${id} ${status}`, async () => {
    const v = await alice.caller.videos.get({ id });
    if (v.status === "FAILED" && status !== "FAILED") throw new Error(`failed: ${v.error}`);
    return v.status === status ? v : null;
  }, timeoutMs);

async function outputsOf(ownerId: string, videoId: string) {
  const found: { key: string; lastModified: Date }[] = [];
  for await (const o of t.app.adapters.blobs.list(keys.videoPrefix(ownerId, videoId))) found.push(o);
  return found;
}

async function ffprobe(path: string) {
  const { stdout } = await exec("ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", path]);
  return JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string }[]; format: { duration: string } };
}

describe("videos end to end on the embedded stack", () => {
  it("create -> the worker renders -> READY -> download through the presigned URL -> ffprobe", async () => {
    const created = await alice.caller.videos.create(smallSpec({ title: "Holiday" }));
    expect(created.status).toBe("QUEUED");
    const ready = await waitFor(created.id, "READY");
    expect(ready).toMatchObject({ progress: 100, width: 720, height: 720 });
    const res = await fetch(ready.videoUrl!);
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), "dl-"));
    writeFileSync(join(dir, "v.mp4"), Buffer.from(await res.arrayBuffer()));
    const probe = await ffprobe(join(dir, "v.mp4"));
    const video = probe.streams.find((s) => s.codec_type === "video")!;
    expect(video).toMatchObject({ codec_name: "h264", width: 720, height: 720, pix_fmt: "yuv420p" });
    expect(probe.streams.some((s) => s.codec_type === "audio")).toBe(false);
    expect(Number(probe.format.duration)).toBeCloseTo(3 * 2 - 2 * 0.5, 1);
    expect((await fetch(ready.posterUrl!)).headers.get("content-type")).toMatch(/image\/jpeg/);
    const list = await alice.caller.videos.list({ limit: 10 });
    expect(list.items.map((v) => v.id)).toContain(created.id);
  }, 120_000);

  it("adds uploaded music, trimmed to the video's length", async () => {
    const dir = mkdtempSync(join(tmpdir(), "music-"));
    await exec("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=20", "-ac", "2", join(dir, "m.wav")]);
    const wav = (await import("node:fs")).readFileSync(join(dir, "m.wav"));
    const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "tune.wav", contentType: "audio/wav", bytes: wav.length });
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append("file", new Blob([new Uint8Array(wav)], { type: "audio/wav" }), "tune.wav");
    expect((await fetch(upload.url, { method: "POST", body: form })).status).toBeLessThan(300);
    expect(await alice.caller.audio.completeUpload({ id: audioId })).toMatchObject({ status: "ready" });
    const v = await alice.caller.videos.create(smallSpec({ music: { audioId, fadeOutSeconds: 1 } }));
    const ready = await waitFor(v.id, "READY");
    writeFileSync(join(dir, "v.mp4"), Buffer.from(await (await fetch(ready.videoUrl!)).arrayBuffer()));
    const probe = await ffprobe(join(dir, "v.mp4"));
    expect(probe.streams.find((s) => s.codec_type === "audio")).toMatchObject({ codec_name: "aac" });
    expect(Number(probe.format.duration)).toBeCloseTo(5, 0);
  }, 120_000);

  it("renders a quick preview through the priority queue", async () => {
    const p = await alice.caller.videos.preview(smallSpec());
    const ready = await waitFor(p.id, "READY");
    expect(ready.kind).toBe("preview");
    expect(Math.min(ready.width!, ready.height!)).toBe(360);
    expect((await alice.caller.videos.list({ limit: 50 })).items.map((v) => v.id)).not.toContain(p.id);
  }, 120_000);

  it("cancel mid-render -> CANCELED and no output", async () => {
    const long = await alice.caller.videos.create(smallSpec({ slides: Array.from({ length: 12 }, (_, i) => ({ photoId: photoIds[i % 4]! })), secondsPerPhoto: 4, resolution: "1080p", quality: "final", fps: 30 }));
    await until("rendering with progress", async () => {
      const v = await alice.caller.videos.get({ id: long.id });
      return v.status === "RENDERING" && v.progress > 0;
    });
    await alice.caller.videos.cancel({ id: long.id });
    await waitFor(long.id, "CANCELED", 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await outputsOf(alice.user.sub, long.id)).toEqual([]);
  }, 120_000);

  it("delivers the same message twice -> one render", async () => {
    const v = await alice.caller.videos.create(smallSpec());
    await t.app.adapters.queue.send({ kind: "render", ownerId: alice.user.sub, videoId: v.id, attempt: 0 });
    const ready = await waitFor(v.id, "READY");
    const outputs = await outputsOf(alice.user.sub, v.id);
    expect(outputs.map((o) => o.key).sort()).toEqual([keys.poster(alice.user.sub, v.id), keys.video(alice.user.sub, v.id)]);
    await new Promise((r) => setTimeout(r, 3000));
    const again = await outputsOf(alice.user.sub, v.id);
    expect(again.map((o) => o.lastModified.getTime())).toEqual(outputs.map((o) => o.lastModified.getTime()));
    expect((await alice.caller.videos.get({ id: v.id })).updatedAt).toBe(ready.updatedAt);
    const claims = worker.logs.filter((l) => l.includes(v.id) && l.includes("render ready"));
    expect(claims).toHaveLength(1);
  }, 120_000);

  it("the worker killed mid-render -> redelivered, finishes once", async () => {
    const v = await alice.caller.videos.create(smallSpec({ slides: Array.from({ length: 8 }, (_, i) => ({ photoId: photoIds[i % 4]! })), secondsPerPhoto: 3, resolution: "1080p", quality: "final" }));
    await until("rendering", async () => (await alice.caller.videos.get({ id: v.id })).status === "RENDERING");
    worker.child.kill("SIGKILL");
    await worker.exited;
    worker = spawnWorker(WORKER, t.env);
    const ready = await waitFor(v.id, "READY", 120_000);
    expect(ready.status).toBe("READY");
    expect((await outputsOf(alice.user.sub, v.id)).map((o) => o.key).sort()).toEqual([keys.poster(alice.user.sub, v.id), keys.video(alice.user.sub, v.id)]);
  }, 180_000);

  it("a job whose stored spec is corrupted is never rendered: its message ends in the dead-letter queue, the job FAILED, and every read names the bad field", async () => {
    const v = await alice.caller.videos.create(smallSpec());
    // Damage the stored spec behind the store's back (a hand edit, an old bug): retrying cannot fix it.
    const clients = createAwsClients(t.config, credentialsOf(t.config));
    const key = { ownerId: alice.user.sub, videoId: v.id };
    const raw = async () => (await clients.dynamodbDoc.send(new GetCommand({ TableName: t.config.DYNAMODB_TABLE, Key: key, ConsistentRead: true }))).Item!;
    try {
      // Back to QUEUED too: the worker may already have picked up (or finished) the message create sent.
      await clients.dynamodbDoc.send(new UpdateCommand({
        TableName: t.config.DYNAMODB_TABLE, Key: key, UpdateExpression: "SET spec.fps = :zero, #status = :queued",
        ExpressionAttributeNames: { "#status": "status" }, ExpressionAttributeValues: { ":zero": 0, ":queued": "QUEUED" },
      }));
      await t.app.adapters.queue.send({ kind: "render", ownerId: alice.user.sub, videoId: v.id, attempt: 0 });
      await until("the job FAILED", async () => (await raw()).status === "FAILED", 120_000).catch(async (e: unknown) => {
        throw new Error(`${String(e)}; dlq=${JSON.stringify(await t.app.adapters.queue.depth("dlq"))}`);
      });
      expect((await raw()).error).toMatch(/could not render this video after several tries/);
      expect((await t.app.adapters.queue.depth("dlq")).visible + (await t.app.adapters.queue.depth("dlq")).inFlight).toBeGreaterThan(0);
      expect(worker.logs.some((l) => l.includes(v.id) && l.includes("spec.fps"))).toBe(true);
      await expect(t.app.adapters.jobs.get(alice.user.sub, v.id)).rejects.toThrow(`Stored video job ${v.id} (owner ${alice.user.sub}) is corrupted and cannot be read: spec.fps: Invalid input`);
      await expect(alice.caller.videos.get({ id: v.id })).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    } finally {
      // Removed so the rest of the suite can list alice's videos.
      await clients.dynamodbDoc.send(new DeleteCommand({ TableName: t.config.DYNAMODB_TABLE, Key: key }));
      clients.destroy();
    }
  }, 150_000);

  it("acknowledges a malformed message without crashing", async () => {
    const { SendMessageCommand, SQSClient } = await import("@aws-sdk/client-sqs");
    const sqs = new SQSClient({ region: "us-east-1", endpoint: t.config.SQS_ENDPOINT, useQueueUrlAsEndpoint: false, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    await sqs.send(new SendMessageCommand({ QueueUrl: t.config.SQS_RENDER_QUEUE_URL, MessageBody: "{not json" }));
    await until("malformed logged", async () => worker.logs.some((l) => l.includes("malformed render message")), 30_000);
    expect(worker.child.exitCode).toBeNull();
  }, 60_000);

  it("answers NOT_FOUND for another user's videos and photos", async () => {
    const bob = await t.signUp();
    const v = (await alice.caller.videos.list({ limit: 1 })).items[0]!;
    for (const call of [
      () => bob.caller.videos.get({ id: v.id }),
      () => bob.caller.videos.cancel({ id: v.id }),
      () => bob.caller.videos.retry({ id: v.id }),
      () => bob.caller.videos.delete({ id: v.id }),
      () => bob.caller.videos.share({ id: v.id, expiresInHours: 1 }),
      () => bob.caller.videos.create(smallSpec()),
      () => bob.caller.videos.preview(smallSpec()),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await alice.caller.videos.get({ id: v.id })).status).toBe(v.status);
  });

  it("deletes a video with its outputs", async () => {
    const v = (await alice.caller.videos.list({ limit: 50 })).items.find((x) => x.status === "READY")!;
    await alice.caller.videos.delete({ id: v.id });
    expect(await outputsOf(alice.user.sub, v.id)).toEqual([]);
    await expect(alice.caller.videos.get({ id: v.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
