import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import { composePhotoProcessor } from "@photoreel/bootstrap/photo-processor";
import { keys } from "@photoreel/core";
import { flatWav, pngBomb } from "@photoreel/images/testing";
import { draftSpec, postForm, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER } from "./entries";

// #13 §2: what renders is exactly what was checked. The upload form stays valid for minutes, so each test posts it
// again after the check (an SVG, a 256-megapixel PNG, a playlist) and looks at what the worker and the records see.
const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;
let alice: Awaited<ReturnType<TestStack["signUp"]>>;
let dir: string;

beforeAll(async () => {
  t = await startTestStack();
  worker = spawnWorker(WORKER, t.env);
  alice = await t.signUp();
  dir = mkdtempSync(join(tmpdir(), "pinning-"));
}, 90_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const behindId3 = (body: string) => Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), Buffer.from(body)]);


async function tone(seconds: number): Promise<Buffer> {
  const path = join(dir, `tone-${seconds}.wav`);
  await exec("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-ac", "2", path]);
  return readFileSync(path);
}

async function uploadAudio(body: Buffer, contentType = "audio/wav", filename = "tune.wav") {
  const { audioId, upload } = await alice.caller.audio.createUpload({ filename, contentType, bytes: body.length });
  expect((await postForm(upload, body, filename, contentType)).status).toBeLessThan(300);
  return { audioId, upload, view: await alice.caller.audio.completeUpload({ id: audioId }) };
}

async function readBlob(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await t.app.adapters.blobs.getStream(key)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

describe("audio.completeUpload probes the file with the demuxer of its sniffed type", () => {
  it.each([
    ["a 46-byte mono WAV with one sample at 384 kHz", () => flatWav(384_000, 1, 1), "audio/wav", /too short/],
    ["a 3 s mono WAV at 384 kHz", () => flatWav(384_000, 1, 3 * 384_000), "audio/wav", /sample rate \(384 kHz\).*Export it at 44\.1 or 48 kHz/],
    ["an HLS playlist behind an ID3 tag", () => behindId3(`#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n${join(dir, "tone-3.wav")}\n#EXT-X-ENDLIST\n`), "audio/mpeg", /damaged|no sound/],
    ["an ffconcat script behind an ID3 tag", () => behindId3(`ffconcat version 1.0\nfile ${join(dir, "tone-3.wav")}\n`), "audio/mpeg", /damaged|no sound/],
  ])("%s is rejected with a reason that says what to do", async (_name, body, type, reason) => {
    await tone(3); // the file the scripts point at exists
    const { audioId, view } = await uploadAudio(body(), type, "trick.mp3");
    expect(view.status).toBe("rejected");
    expect(view.rejectReason).toMatch(reason);
    expect(view.rejectReason).toMatch(/Upload|Export|Choose/);
    expect(await t.app.adapters.blobs.head(keys.audioOriginal(alice.user.sub, audioId))).toBeNull();
    expect(await t.app.adapters.blobs.head(keys.audioChecked(alice.user.sub, audioId))).toBeNull();
  }, 30_000);

  it("real music is ready, and a playlist posted over it afterwards is never what videos use", async () => {
    const music = await tone(4);
    const { audioId, upload, view } = await uploadAudio(music);
    expect(view).toMatchObject({ status: "ready", bytes: music.length });
    const script = behindId3(`ffconcat version 1.0\nfile ${join(dir, "tone-3.wav")}\n`);
    expect((await postForm(upload, script, "tune.wav", "audio/wav")).status).toBeLessThan(300);
    expect(await alice.caller.audio.completeUpload({ id: audioId })).toMatchObject({ status: "ready", bytes: music.length });
    const listed = (await alice.caller.audio.list()).find((a) => a.id === audioId);
    expect(listed).toMatchObject({ bytes: music.length });
    expect((await readBlob(keys.audioChecked(alice.user.sub, audioId))).equals(music)).toBe(true);
    // The composer's live preview plays the checked copy, never the upload slot the form can still post to.
    const listened = await fetch(listed!.listenUrl!);
    expect(listened.status).toBe(200);
    expect(Buffer.from(await listened.arrayBuffer()).equals(music)).toBe(true);
  }, 30_000);
});

describe("completions racing a second post never leave a record that describes other bytes", () => {
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

  it("audio: two completions, the form posted again between them", async () => {
    const [first, second] = await Promise.all([tone(4), tone(6)]);
    for (let round = 0; round < 3; round++) {
      const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "tune.wav", contentType: "audio/wav", bytes: second!.length });
      expect((await postForm(upload, first!, "tune.wav", "audio/wav")).status).toBeLessThan(300);
      const a = alice.caller.audio.completeUpload({ id: audioId });
      await new Promise((r) => setTimeout(r, round * 15));
      await postForm(upload, second!, "tune.wav", "audio/wav");
      const b = alice.caller.audio.completeUpload({ id: audioId });
      await Promise.all([a, b]);
      const track = (await alice.caller.audio.list()).find((x) => x.id === audioId);
      const checked = await t.app.adapters.blobs.head(keys.audioChecked(alice.user.sub, audioId));
      if (track?.status === "ready") {
        const bytes = await readBlob(keys.audioChecked(alice.user.sub, audioId));
        expect([sha(first!), sha(second!)]).toContain(sha(bytes));
        expect(track.bytes).toBe(bytes.length);
      } else {
        expect(checked).toBeNull();
      }
    }
  }, 60_000);

  it("photos: two processing runs (a redelivered S3 event), the form posted again between them", async () => {
    const processor = composePhotoProcessor(t.config, { blobs: t.app.adapters.blobs, photos: t.app.adapters.photos });
    for (let round = 0; round < 3; round++) {
      // New pictures each round: the same one again would be refused as a duplicate.
      const red = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 200 + round, g: 20, b: 20 } } }).jpeg().toBuffer();
      const green = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 20, g: 200 + round, b: 20 } } }).png().toBuffer();
      const { results } = await alice.caller.photos.createUploads({ files: [{ filename: "race.jpg", contentType: "image/jpeg", bytes: Math.max(red.length, green.length) }] });
      const r = results[0]!;
      if (!r.ok) throw new Error(r.reason);
      expect((await postForm(r.upload, red, "race.jpg", "image/jpeg")).status).toBeLessThan(300);
      const a = processor.process(alice.user.sub, r.photoId);
      await new Promise((res) => setTimeout(res, round * 15));
      await postForm(r.upload, green, "race.jpg", "image/jpeg");
      await Promise.all([a, processor.process(alice.user.sub, r.photoId)]);
      const row = await t.app.adapters.photos.get(alice.user.sub, r.photoId);
      // Rejected is a fair answer too: a run may read the second file half written (the stand-in's writes are not
      // atomic) or, on S3, a file that is no photo at all.
      expect(["ready", "rejected"]).toContain(row?.status);
      const checked = await t.app.adapters.blobs.head(keys.photoChecked(alice.user.sub, r.photoId));
      if (row?.status === "rejected") expect(checked).toBeNull();
      if (checked) {
        const bytes = await readBlob(keys.photoChecked(alice.user.sub, r.photoId));
        expect(sha(bytes)).toBe(row!.sha256);
        expect(row!.bytes).toBe(bytes.length);
      }
    }
  }, 60_000);
});

describe("the same upload completed twice at once (a retried request, a redelivered S3 event) is simply ready", () => {
  it("audio", async () => {
    const music = await tone(5);
    const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "twice.wav", contentType: "audio/wav", bytes: music.length });
    expect((await postForm(upload, music, "twice.wav", "audio/wav")).status).toBeLessThan(300);
    const views = await Promise.all([alice.caller.audio.completeUpload({ id: audioId }), alice.caller.audio.completeUpload({ id: audioId })]);
    for (const v of views) expect(v).toMatchObject({ status: "ready", bytes: music.length });
    expect((await readBlob(keys.audioChecked(alice.user.sub, audioId))).equals(music)).toBe(true);
  }, 30_000);

  it("photos", async () => {
    const processor = composePhotoProcessor(t.config, { blobs: t.app.adapters.blobs, photos: t.app.adapters.photos });
    const body = await sharp({ create: { width: 700, height: 500, channels: 3, background: "#3060a0" } }).jpeg().toBuffer();
    const { results } = await alice.caller.photos.createUploads({ files: [{ filename: "twice.jpg", contentType: "image/jpeg", bytes: body.length }] });
    const r = results[0]!;
    if (!r.ok) throw new Error(r.reason);
    expect((await postForm(r.upload, body, "twice.jpg", "image/jpeg")).status).toBeLessThan(300);
    await Promise.all([processor.process(alice.user.sub, r.photoId), processor.process(alice.user.sub, r.photoId)]);
    expect(await t.app.adapters.photos.get(alice.user.sub, r.photoId)).toMatchObject({ status: "ready", bytes: body.length });
    expect((await readBlob(keys.photoChecked(alice.user.sub, r.photoId))).equals(body)).toBe(true);
    expect(await t.app.adapters.blobs.head(keys.photoThumb(alice.user.sub, r.photoId))).not.toBeNull();
  }, 30_000);
});

describe("a photo form posted again after the photo was checked", () => {
  it("an SVG and a 256-megapixel PNG posted over ready photos: the worker renders the originals, sizes and usage unchanged", async () => {
    const red = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#e01010" } }).jpeg().toBuffer();
    const green = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#10c010" } }).jpeg().toBuffer();
    const { results } = await alice.caller.photos.createUploads({
      files: [
        { filename: "red.jpg", contentType: "image/jpeg", bytes: red.length },
        { filename: "green.jpg", contentType: "image/jpeg", bytes: green.length },
      ],
    });
    const forms = results.map((r) => (r.ok ? r : null)).filter((r) => r !== null);
    expect(forms).toHaveLength(2);
    for (const [i, body] of [red, green].entries()) {
      expect((await postForm(forms[i]!.upload, body, "p.jpg", "image/jpeg")).status).toBeLessThan(300);
      await alice.caller.photos.completeUpload({ id: forms[i]!.photoId });
    }
    await t.app.localProcessing!.idle();
    const ids = forms.map((f) => f.photoId);
    for (const id of ids) expect(await alice.caller.photos.get({ id })).toMatchObject({ status: "ready" });
    const usageBefore = await alice.caller.photos.usage();

    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><rect width="4000" height="3000" fill="blue"/></svg>');
    const bomb = pngBomb(16_000, 16_000);
    expect((await postForm(forms[0]!.upload, svg, "p.jpg", "image/jpeg")).status).toBeLessThan(300);
    expect((await postForm(forms[1]!.upload, bomb, "p.jpg", "image/jpeg")).status).toBeLessThan(300);
    // Completing again changes nothing: the photos were checked once.
    for (const id of ids) await alice.caller.photos.completeUpload({ id });
    await t.app.localProcessing!.idle();

    expect(await alice.caller.photos.get({ id: ids[0]! })).toMatchObject({ status: "ready", bytes: red.length, width: 640, height: 480 });
    expect(await alice.caller.photos.get({ id: ids[1]! })).toMatchObject({ status: "ready", bytes: green.length, width: 640, height: 480 });
    expect(await alice.caller.photos.usage()).toEqual(usageBefore);

    const video = await alice.caller.videos.create(draftSpec(ids, { transition: "none", secondsPerPhoto: 2 }));
    const ready = await until(`video ${video.id} done`, async () => {
      const v = await alice.caller.videos.get({ id: video.id });
      return v.status === "READY" || v.status === "FAILED" ? v : null;
    }, 90_000);
    expect(ready).toMatchObject({ status: "READY", error: null });
    const mp4 = join(dir, "v.mp4");
    writeFileSync(mp4, Buffer.from(await (await fetch(ready.videoUrl!)).arrayBuffer()));
    // The middle of each slide shows the checked photo's colour, not the blue SVG or the black PNG.
    for (const [at, channel] of [[1, 0], [3, 1]] as const) {
      const frame = join(dir, `f${at}.png`);
      await exec("ffmpeg", ["-v", "error", "-y", "-ss", String(at), "-i", mp4, "-frames:v", "1", frame]);
      const { channels } = await sharp(frame).stats();
      expect(channels[channel]!.mean).toBeGreaterThan(150);
      expect(channels[2]!.mean).toBeLessThan(80);
    }
  }, 150_000);
});
