import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { initTelemetry, type Telemetry } from "@photoreel/bootstrap";
import { draftSpec, postForm, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, startOtlpReceiver, until, type OtlpReceiver, type WorkerProcess } from "@photoreel/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER } from "./entries";

const exec = promisify(execFile);

let receiver: OtlpReceiver;
let t: TestStack;
let worker: WorkerProcess;
let telemetry: Telemetry;
let dir: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  t = await startTestStack({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
  // The API's services run in this process: tracing as the API's bootstrap starts it; the worker is its own process.
  telemetry = initTelemetry("api", t.config);
  worker = spawnWorker(WORKER, t.env);
  dir = mkdtempSync(join(tmpdir(), "tracing-"));
}, 60_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await telemetry?.shutdown();
  await t?.stop();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("tracing on the embedded stack", () => {
  it("puts the API call, the queue wait, every render stage and the upload of one video in one trace", async () => {
    const alice = await t.signUp();
    const bodies = await Promise.all(
      ["#c04040", "#40c040"].map((background) => sharp({ create: { width: 800, height: 600, channels: 3, background } }).jpeg().toBuffer()),
    );
    const ids = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `p${i}.jpg`, type: "image/jpeg", body })));
    // With music, so the join (concat demuxer + the music muxed over it) runs as its own FFmpeg step.
    await exec("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-ac", "2", join(dir, "m.wav")]);
    const wav = readFileSync(join(dir, "m.wav"));
    const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "tune.wav", contentType: "audio/wav", bytes: wav.length });
    expect((await postForm(upload, wav, "tune.wav", "audio/wav")).status).toBeLessThan(300);
    await alice.caller.audio.completeUpload({ id: audioId });

    const created = await alice.caller.videos.create(draftSpec(ids, { music: { audioId, fadeOutSeconds: 1 } }));
    await until(`video ${created.id} READY`, async () => {
      const v = await alice.caller.videos.get({ id: created.id });
      if (v.status === "FAILED") throw new Error(`failed: ${v.error}; worker log:\n${worker.logs.slice(-10).join("\n")}`);
      return v.status === "READY";
    }, 90_000);

    const api = await until("the API's create span", async () => receiver.spans.find((s) => s.name === "trpc videos.create"), 10_000);
    expect(api.attributes["enduser.id"]).toBe(alice.user.sub);
    // The worker exports a batch each second, so its spans may arrive over two batches: the job's span ends last (after
    // the upload and the READY write), so wait for it and the upload before reading the trace.
    const exported = (name: string) => receiver.spans.some((s) => s.traceId === api.traceId && s.name === name);
    await until("the worker's job and upload spans", async () => exported("render job") && exported("upload"), 15_000);
    const trace = receiver.spans.filter((s) => s.traceId === api.traceId);
    const one = (name: string) => {
      const found = trace.filter((s) => s.name === name);
      expect(found, `${name} in the trace: ${trace.map((s) => s.name).join(", ")}`).toHaveLength(1);
      return found[0]!;
    };

    const send = one("render queue send");
    const wait = one("queue wait");
    const job = one("render job");
    expect(send.parentSpanId).toBe(api.spanId);
    expect(wait.parentSpanId).toBe(send.spanId);
    expect(job.parentSpanId).toBe(send.spanId);
    expect([send.service, api.service, job.service]).toEqual(["photoreel-api", "photoreel-api", "photoreel-worker"]);
    for (const s of [send, wait, job]) expect(s.attributes["photoreel.video_id"]).toBe(created.id);
    // The wait runs from the send to the worker's receive, before the job starts.
    expect(wait.start).toBeLessThanOrEqual(job.start);
    expect(wait.end).toBeGreaterThan(wait.start);

    // Each stage is a child of the job: download, pre-scale, every FFmpeg run (still slides are drawn and encoded in
    // the same run; Ken Burns frames come from Node instead), the join + music, upload.
    const stages = ["download", "pre-scale", "ffmpeg: encoding the video", "ffmpeg: adding the music", "upload"].map(one);
    for (const s of stages) expect(s.parentSpanId, s.name).toBe(job.spanId);
    expect(one("download").attributes["photoreel.video_id"]).toBe(created.id);
    expect(one("upload").attributes["photoreel.video_id"]).toBe(created.id);
    // In order: the upload starts after the last FFmpeg run ended. Within a millisecond: the SDK anchors each span's
    // clock separately, and an upload that started 0.4 ms "before" the run's end once failed this (its start was a
    // whole millisecond).
    expect(one("upload").start).toBeGreaterThanOrEqual(one("ffmpeg: adding the music").end - 1_000_000n);

    // The same stages as CloudWatch EMF metrics on the worker's "metric" log line (CloudWatch Logs makes metrics).
    const line = worker.logs.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return null; } })
      .find((l) => l?.msg === "metric" && l.videoId === created.id && l.RenderSucceeded === 1);
    expect(line, "the worker's EMF line for the render").toBeTruthy();
    const emf = (line!._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0]!;
    const stageMetrics = ["StageDownloadSeconds", "StagePrescaleSeconds", "StageDrawSeconds", "StageEncodeSeconds", "StageJoinSeconds", "StageUploadSeconds"];
    for (const name of stageMetrics) {
      expect(emf.Metrics).toContainEqual({ Name: name, Unit: "Seconds" });
      // Still slides are drawn in the encoding runs: their time is the encode stage's, and the draw stage's is 0.
      if (name === "StageDrawSeconds") expect(line![name], name).toBe(0);
      else expect(line![name], name).toBeGreaterThan(0);
    }
    // The worker stores the same figures on the READY job (the admin panel's stage breakdown).
    const stored = await t.app.adapters.jobs.get(alice.user.sub, created.id);
    expect(stored?.stageSeconds).toEqual({
      download: line!.StageDownloadSeconds, prescale: line!.StagePrescaleSeconds, draw: line!.StageDrawSeconds,
      encode: line!.StageEncodeSeconds, join: line!.StageJoinSeconds, upload: line!.StageUploadSeconds,
    });
    // The join's figure is the join span's length (both time the same FFmpeg run).
    const joinSpanSeconds = Number(one("ffmpeg: adding the music").end - one("ffmpeg: adding the music").start) / 1e9;
    expect(Math.abs((line!.StageJoinSeconds as number) - joinSpanSeconds)).toBeLessThan(0.25);
  }, 150_000);
});
