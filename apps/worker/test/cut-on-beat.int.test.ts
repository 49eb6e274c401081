import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { clickTrack } from "@photoreel/images/testing";
import { draftSpec, postForm, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER } from "./entries";

// Issue 16 "Cut on the beat", end to end: a click track at a known tempo is uploaded (its beats are found once,
// at completion), a video asks to cut on the beat, the worker renders it, and the cuts measured in the output
// file (FFmpeg's scene detection over slides of distinct flat colours) land on the clicks.
const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;
let alice: Awaited<ReturnType<TestStack["signUp"]>>;
let dir: string;
let photoIds: string[];

beforeAll(async () => {
  t = await startTestStack();
  worker = spawnWorker(WORKER, t.env);
  alice = await t.signUp();
  dir = mkdtempSync(join(tmpdir(), "beats-"));
  const colors = ["#101010", "#f0f0f0", "#d02020", "#20d0f0", "#202080"];
  const bodies = await Promise.all(colors.map((c) => sharp({ create: { width: 480, height: 480, channels: 3, background: c } }).jpeg().toBuffer()));
  photoIds = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `c${i}.jpg`, type: "image/jpeg", body })));
}, 90_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function uploadMusic(wav: Buffer) {
  const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "click.wav", contentType: "audio/wav", bytes: wav.length });
  expect((await postForm(upload, wav, "click.wav", "audio/wav")).status).toBeLessThan(300);
  const view = await alice.caller.audio.completeUpload({ id: audioId });
  expect(view).toMatchObject({ status: "ready" });
  return { audioId, tempoBpm: view.tempoBpm };
}

/** Seconds at which the picture changes: FFmpeg's scene score over the decoded output. */
async function cutTimes(path: string): Promise<number[]> {
  const { stderr } = await exec("ffmpeg", ["-v", "info", "-nostdin", "-i", path, "-vf", "select='gt(scene,0.08)',showinfo", "-an", "-f", "null", "-"]);
  return [...stderr.matchAll(/showinfo.*pts_time:\s*([\d.]+)/g)].map((m) => Number(m[1]));
}

async function render(spec: Parameters<typeof alice.caller.videos.create>[0]) {
  const v = await alice.caller.videos.create(spec);
  const ready = await until(`video ${v.id} READY`, async () => {
    const now = await alice.caller.videos.get({ id: v.id });
    if (now.status === "FAILED") throw new Error(`failed: ${now.error}`);
    return now.status === "READY" ? now : null;
  }, 120_000);
  const path = join(dir, `${v.id}.mp4`);
  writeFileSync(path, Buffer.from(await (await fetch(ready.videoUrl!)).arrayBuffer()));
  return path;
}

const fps = 24 as const;
const base = { transition: "none" as const, secondsPerPhoto: 2, fps, resolution: "720p" as const, quality: "draft" as const };
const offBeat = (beats: number[]) => (c: number) => Math.min(...beats.map((b) => Math.abs(b - c)));

describe("cut on the beat (real FFmpeg, worker and stack)", () => {
  it.each([90, 128])("every cut of a video over a %i BPM click track lands within one frame of a click", async (bpm) => {
    const { wav, beats } = clickTrack(bpm, 20, 0.37);
    const { audioId, tempoBpm } = await uploadMusic(wav);
    expect(tempoBpm).toBe(bpm);
    const started = Date.now();
    const cuts = await cutTimes(await render(draftSpec(photoIds, { ...base, music: { audioId, cutOnBeat: true, fadeOutSeconds: 0 } })));
    const off = offBeat(beats);
    console.log(`${bpm} BPM: cuts ${cuts.map((c) => c.toFixed(3)).join(", ")}; worst ${(Math.max(...cuts.map(off)) * 1000).toFixed(1)} ms from a click (render + measure ${Date.now() - started} ms)`);
    expect(cuts).toHaveLength(photoIds.length - 1);
    for (const c of cuts) expect(off(c)).toBeLessThanOrEqual(1 / fps + 1e-6);
  }, 180_000);

  it("without the option the cuts stay every 2 s, off the beat (old specs render as before)", async () => {
    const { wav, beats } = clickTrack(128, 20, 0.37);
    const { audioId } = await uploadMusic(wav);
    const plain = await cutTimes(await render(draftSpec(photoIds, { ...base, music: { audioId, fadeOutSeconds: 0 } })));
    expect(plain.map((c) => Math.round(c * fps) / fps)).toEqual([2, 4, 6, 8]);
    expect(plain.filter((c) => offBeat(beats)(c) > 1 / fps).length).toBeGreaterThan(0);
  }, 180_000);
});
