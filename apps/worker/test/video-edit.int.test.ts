import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { keys } from "@photoreel/core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { draftSpec, postForm, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";
import { WORKER } from "./entries";

const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;
let alice: Awaited<ReturnType<TestStack["signUp"]>>;
let bob: Awaited<ReturnType<TestStack["signUp"]>>;
let photoIds: string[];

beforeAll(async () => {
  t = await startTestStack();
  worker = spawnWorker(WORKER, t.env);
  [alice, bob] = [await t.signUp(), await t.signUp()];
  const bodies = await Promise.all(["#d04030", "#30a050", "#3050d0"].map((background) => sharp({ create: { width: 800, height: 600, channels: 3, background } }).jpeg().toBuffer()));
  photoIds = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `p${i}.jpg`, type: "image/jpeg", body })));
}, 90_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
});

const waitFor = (id: string, status: string) =>
  until(`video ${id} ${status}`, async () => {
    const v = await alice.caller.videos.get({ id });
    if (v.status === "FAILED" && status !== "FAILED") throw new Error(`failed: ${v.error}`);
    return v.status === status ? v : null;
  }, 90_000);

async function uploadMusic(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "music-")), "m.wav");
  await exec("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=6", file]);
  const wav = readFileSync(file);
  const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "tune.wav", contentType: "audio/wav", bytes: wav.length });
  await postForm(upload, wav, "tune.wav", "audio/wav");
  expect(await alice.caller.audio.completeUpload({ id: audioId })).toMatchObject({ status: "ready" });
  return audioId;
}

describe("editing, duplicating and fixing videos", () => {
  it("keeps per-slide transitions in the stored spec, which videos.spec gives back to its owner only", async () => {
    const slides = [{ photoId: photoIds[0]!, transition: "none" as const }, { photoId: photoIds[1]!, transition: "wipeleft" as const }, { photoId: photoIds[2]! }];
    const v = await alice.caller.videos.create(draftSpec(photoIds, { slides, title: "Edit me" }));
    const spec = await alice.caller.videos.spec({ id: v.id });
    expect(spec.slides.map((s) => s.transition)).toEqual(["none", "wipeleft", undefined]);
    expect(spec.title).toBe("Edit me");
    await expect(bob.caller.videos.spec({ id: v.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A cut and a 0.5 s wipe: 3 x 2 s - 0.5 s.
    const ready = await waitFor(v.id, "READY");
    expect(ready.durationSeconds).toBeCloseTo(5.5, 1);
    expect(ready.errorField).toBeNull();
  }, 120_000);

  it("fails a video whose music vanished with errorField music.audioId; a remade video has none", async () => {
    const audioId = await uploadMusic();
    // The track's stored bytes disappear after it was checked (the row remains): the worker cannot fetch them.
    await t.app.adapters.blobs.delete([keys.audioChecked(alice.user.sub, audioId), keys.audioOriginal(alice.user.sub, audioId)]);
    const v = await alice.caller.videos.create(draftSpec(photoIds.slice(0, 2), { music: { audioId, fadeOutSeconds: 1 } }));
    const failed = await waitFor(v.id, "FAILED");
    expect(failed.error).toMatch(/music track was deleted/);
    expect(failed.errorField).toBe("music.audioId");
    expect((await alice.caller.videos.list({ limit: 20 })).items.find((x) => x.id === v.id)?.errorField).toBe("music.audioId");
    // Someone else's video: nothing to see, not even the field.
    await expect(bob.caller.videos.get({ id: v.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Fixed by making a new video without music: a fresh video has no error field.
    const fixed = await alice.caller.videos.create(draftSpec(photoIds.slice(0, 2)));
    expect((await waitFor(fixed.id, "READY")).errorField).toBeNull();
  }, 120_000);

  it("names the music field when a video is created with a track that is gone", async () => {
    const audioId = await uploadMusic();
    await alice.caller.audio.delete({ id: audioId });
    await expect(alice.caller.videos.create(draftSpec(photoIds.slice(0, 2), { music: { audioId, fadeOutSeconds: 1 } }))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  }, 60_000);

  it("estimates render time per output second from recent READY videos: null with too few, then p50 <= p90", async () => {
    // Two READY videos so far in this stack (the tests above): too few.
    const before = await bob.caller.videos.renderTimeEstimate();
    expect(before).toBeNull();
    const v = await alice.caller.videos.create(draftSpec(photoIds.slice(0, 2)));
    await waitFor(v.id, "READY");
    // Anyone signed in gets the same numbers: they come from everyone's renders and name no one.
    const est = await bob.caller.videos.renderTimeEstimate();
    expect(est).not.toBeNull();
    expect(est!.count).toBe(3);
    expect(est!.p50).toBeGreaterThan(0);
    expect(est!.p90).toBeGreaterThanOrEqual(est!.p50);
    expect(await alice.caller.videos.renderTimeEstimate()).toEqual(est);
  }, 120_000);
});
