import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { keys } from "@photoreel/core";
import { pngBomb } from "@photoreel/images/testing";
import { draftSpec, postForm, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER } from "./entries";

// #13 §2 follow-up: photos and music made ready before upload pinning have their `original` and no `checked` copy.
// The backfill re-checks them with today's checks, pins what passes and rejects what does not; nothing else changes.
const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;
let alice: Awaited<ReturnType<TestStack["signUp"]>>;
let ops: Awaited<ReturnType<TestStack["signUp"]>>;
let dir: string;

beforeAll(async () => {
  t = await startTestStack({ env: { ADMIN_EMAILS: "ops@example.com" } });
  worker = spawnWorker(WORKER, t.env);
  alice = await t.signUp();
  ops = await t.signUp("ops@example.com");
  dir = mkdtempSync(join(tmpdir(), "backfill-"));
}, 90_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function readBlob(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await t.app.adapters.blobs.getStream(key)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Turns a pinned upload back into one from before pinning: `original` holds `body`, `checked` is gone. */
async function makeLegacy(checkedKey: string, originalKey: string, body: Buffer, type: string) {
  await t.app.adapters.blobs.put(originalKey, body, type);
  await t.app.adapters.blobs.delete([checkedKey]);
}

/** Every batch of one kind, `limit` rows at a time, following the cursor: the totals. */
async function backfillAll(kind: "photos" | "audio", limit: number) {
  const total = { batches: 0, scanned: 0, pinned: 0, rejected: 0, unchanged: 0, missing: 0 };
  let cursor: string | null = null;
  do {
    const r: Awaited<ReturnType<typeof ops.caller.admin.backfillUploads>> = await ops.caller.admin.backfillUploads({ kind, limit, cursor });
    expect(r.scanned).toBeLessThanOrEqual(limit);
    total.batches++;
    for (const k of ["scanned", "pinned", "rejected", "unchanged", "missing"] as const) total[k] += r[k];
    cursor = r.nextCursor;
  } while (cursor);
  return total;
}

async function renderToEnd(spec: ReturnType<typeof draftSpec>) {
  const video = await alice.caller.videos.create(spec);
  return until(`video ${video.id} done`, async () => {
    const v = await alice.caller.videos.get({ id: video.id });
    return v.status === "READY" || v.status === "FAILED" ? v : null;
  }, 90_000);
}

describe("upload backfill", () => {
  it("pins legacy photos and music, rejects a legacy original that is now hostile, renders, and a rerun changes nothing", async () => {
    const owner = alice.user.sub;
    const colours = ["#d02020", "#20a040", "#2040c0", "#c0c020"];
    const jpegs = await Promise.all(colours.map((c) => sharp({ create: { width: 320, height: 240, channels: 3, background: c } }).jpeg().toBuffer()));
    const [legacy, pinned, hostile, bomb] = await uploadPhotos(t, alice.caller, jpegs.map((body, i) => ({ name: `${i}.jpg`, type: "image/jpeg", body })));
    await t.app.localProcessing!.idle();
    for (const id of [legacy!, pinned!, hostile!, bomb!]) expect(await alice.caller.photos.get({ id })).toMatchObject({ status: "ready" });
    await makeLegacy(keys.photoChecked(owner, legacy!), keys.photoOriginal(owner, legacy!), jpegs[0]!, "image/jpeg");
    // A legacy original that was overwritten after its check, through the still-valid form: an SVG today.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><rect width="4000" height="3000" fill="blue"/></svg>');
    await makeLegacy(keys.photoChecked(owner, hostile!), keys.photoOriginal(owner, hostile!), svg, "image/jpeg");
    // And one overwritten with a 256-megapixel PNG: today's pixel limit refuses it.
    await makeLegacy(keys.photoChecked(owner, bomb!), keys.photoOriginal(owner, bomb!), pngBomb(16_000, 16_000), "image/jpeg");

    const wavPath = join(dir, "tone.wav");
    await exec("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-ac", "2", wavPath]);
    const music = readFileSync(wavPath);
    const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "tune.wav", contentType: "audio/wav", bytes: music.length });
    expect((await postForm(upload, music, "tune.wav", "audio/wav")).status).toBeLessThan(300);
    expect(await alice.caller.audio.completeUpload({ id: audioId })).toMatchObject({ status: "ready" });
    await makeLegacy(keys.audioChecked(owner, audioId), keys.audioOriginal(owner, audioId), music, "audio/wav");

    // Before the backfill, a video with a legacy photo fails with a message the user can act on (not "deleted").
    const early = await renderToEnd(draftSpec([legacy!, pinned!], { transition: "none" }));
    expect(early.status).toBe("FAILED");
    expect(early.error).toMatch(/Photo 1 is waiting to be re-checked.*Try again in a few minutes/);

    // Bounded batches of one row, resumed from the cursor: every row is visited once.
    const photos = await backfillAll("photos", 1);
    expect(photos).toMatchObject({ scanned: 4, pinned: 1, rejected: 2, unchanged: 1, missing: 0 });
    expect(photos.batches).toBeGreaterThanOrEqual(4);
    expect(await backfillAll("audio", 50)).toMatchObject({ scanned: 1, pinned: 1, rejected: 0 });

    expect((await readBlob(keys.photoChecked(owner, legacy!))).equals(jpegs[0]!)).toBe(true);
    expect(await t.app.adapters.blobs.head(keys.photoOriginal(owner, legacy!))).toBeNull();
    expect((await readBlob(keys.audioChecked(owner, audioId))).equals(music)).toBe(true);
    expect(await t.app.adapters.blobs.head(keys.audioOriginal(owner, audioId))).toBeNull();
    const rejected = await alice.caller.photos.get({ id: hostile! });
    expect(rejected).toMatchObject({ status: "rejected" });
    expect(rejected.rejectReason).toMatch(/This file is not a photo/);
    expect((await alice.caller.photos.get({ id: bomb! })).rejectReason).toMatch(/too large to process/);
    for (const k of [keys.photoOriginal, keys.photoChecked, keys.photoThumb, keys.photoPreview]) expect(await t.app.adapters.blobs.head(k(owner, hostile!))).toBeNull();

    // Running again changes nothing: no row, no object.
    const before = {
      photos: await Promise.all([legacy!, pinned!, hostile!, bomb!].map((id) => t.app.adapters.photos.get(owner, id))),
      track: await t.app.adapters.audio.get(owner, audioId),
    };
    expect(await backfillAll("photos", 50)).toMatchObject({ scanned: 2, pinned: 0, rejected: 0, unchanged: 2 });
    expect(await backfillAll("audio", 50)).toMatchObject({ scanned: 1, pinned: 0, rejected: 0, unchanged: 1 });
    expect(await Promise.all([legacy!, pinned!, hostile!, bomb!].map((id) => t.app.adapters.photos.get(owner, id)))).toEqual(before.photos);
    expect(await t.app.adapters.audio.get(owner, audioId)).toEqual(before.track);

    // The hostile photos are never rendered: a video cannot even be created with it.
    for (const id of [hostile!, bomb!]) await expect(alice.caller.videos.create(draftSpec([id]))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    // The legacy photo and track render to READY.
    const ready = await renderToEnd(draftSpec([legacy!, pinned!], { transition: "none", music: { audioId, fadeOutSeconds: 1 } }));
    expect(ready).toMatchObject({ status: "READY", error: null });
  }, 240_000);

  it("a legacy track that fails today's probe ends rejected with the usual reason", async () => {
    const owner = alice.user.sub;
    const wavPath = join(dir, "tone3.wav");
    await exec("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=660:duration=3", "-ac", "2", wavPath]);
    const music = readFileSync(wavPath);
    const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "t.wav", contentType: "audio/wav", bytes: music.length });
    expect((await postForm(upload, music, "t.wav", "audio/wav")).status).toBeLessThan(300);
    await alice.caller.audio.completeUpload({ id: audioId });
    // An ffconcat script behind an ID3 tag, padded to the recorded size: only the probe can refuse it.
    const script = Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), Buffer.from(`ffconcat version 1.0\nfile ${wavPath}\n`)]);
    await makeLegacy(keys.audioChecked(owner, audioId), keys.audioOriginal(owner, audioId), Buffer.concat([script, Buffer.alloc(music.length - script.length, 0x0a)]), "audio/mpeg");
    await backfillAll("audio", 50);
    const track = await t.app.adapters.audio.get(owner, audioId);
    expect(track).toMatchObject({ status: "rejected" });
    expect(track!.rejectReason).toMatch(/damaged|no sound/);
    expect(await t.app.adapters.blobs.head(keys.audioOriginal(owner, audioId))).toBeNull();
    expect(await t.app.adapters.blobs.head(keys.audioChecked(owner, audioId))).toBeNull();
  }, 60_000);
});
