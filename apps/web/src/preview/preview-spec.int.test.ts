import { clickTrack } from "@photoreel/images/testing";
import { postForm, startTestStack, uploadPhotos, type TestStack } from "@photoreel/api/testing";
import { cutDurations, planTimeline, slideDurations } from "@photoreel/timeline";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSpecForm, validateSpecForm, type SpecForm } from "../lib/spec-form";
import { previewSpec } from "./preview-spec";

// Issue 17: the live preview cuts on the beat exactly where the render will. The composer's own path (form ->
// validated spec -> previewSpec with audio.list's track -> planTimeline) against the spec the API stamps at create
// (videos.spec), over the real stack (PostgreSQL, the S3 stand-in, the audio check and beat detection).
let t: TestStack;
let alice: Awaited<ReturnType<TestStack["signUp"]>>;
let photoIds: string[];
let audioId: string;

beforeAll(async () => {
  t = await startTestStack();
  alice = await t.signUp();
  const bodies = await Promise.all(["#101010", "#f0f0f0", "#d02020", "#20d0f0", "#202080"].map((background) => sharp({ create: { width: 320, height: 240, channels: 3, background } }).jpeg().toBuffer()));
  photoIds = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `c${i}.jpg`, type: "image/jpeg", body })));
  // A 6 s click track at 128 BPM: shorter than the video, so its beats loop as the render loops the track.
  const { wav } = clickTrack(128, 6, 0.37);
  const created = await alice.caller.audio.createUpload({ filename: "click.wav", contentType: "audio/wav", bytes: wav.length });
  expect((await postForm(created.upload, wav, "click.wav", "audio/wav")).status).toBeLessThan(300);
  expect(await alice.caller.audio.completeUpload({ id: created.audioId })).toMatchObject({ status: "ready", tempoBpm: expect.any(Number) });
  audioId = created.audioId;
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const form = (over: Partial<SpecForm>): SpecForm => ({
  ...defaultSpecForm(),
  slides: photoIds.map((photoId, i) => ({ key: `s${i}`, photoId, seconds: i === 2 ? "3.1" : "" })),
  secondsPerPhoto: "2.3",
  transition: "fade",
  transitionSeconds: "0.4",
  resolution: "720p",
  fps: "24",
  musicAudioId: audioId,
  musicFadeOutSeconds: "0",
  ...over,
});

describe("the live preview's cut-on-beat timeline (web) is the render's (API)", () => {
  it("equals the durations and frames the API stamps for the same track, and moves the cuts off the unsnapped ones", async () => {
    const draft = validateSpecForm(form({ musicCutOnBeat: true }));
    if (!draft.ok) throw new Error(JSON.stringify(draft.errors));
    const live = previewSpec(draft.spec, await alice.caller.audio.list());

    const video = await alice.caller.videos.create(draft.input);
    const stamped = await alice.caller.videos.spec({ id: video.id });
    expect(stamped.music?.beats?.length).toBeGreaterThan(0);

    expect(cutDurations(live)).toEqual(cutDurations(stamped));
    const format = { width: 640, height: 360, fps: stamped.fps };
    expect(planTimeline(live, format)).toEqual(planTimeline(stamped, format));
    // Snapping did something: without the track's beats the preview would have kept the draft's own lengths.
    expect(cutDurations(live)).not.toEqual(slideDurations(draft.spec));
    expect(planTimeline(live, format).slides).not.toEqual(planTimeline(draft.spec, format).slides);
  }, 60_000);

  it("keeps the draft's own lengths with the option off, as the API does", async () => {
    const draft = validateSpecForm(form({ musicCutOnBeat: false }));
    if (!draft.ok) throw new Error(JSON.stringify(draft.errors));
    const live = previewSpec(draft.spec, await alice.caller.audio.list());
    const stamped = await alice.caller.videos.spec({ id: (await alice.caller.videos.create(draft.input)).id });
    expect(live.music?.beats).toBeUndefined();
    expect(cutDurations(live)).toEqual(slideDurations(draft.spec));
    expect(cutDurations(live)).toEqual(cutDurations(stamped));
  }, 60_000);
});
