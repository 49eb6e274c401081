import { describe, expect, it } from "vitest";
import { VideoSpecSchema } from "@photoreel/contracts";
import { reopenVideo, type ReopenInput } from "./video-reopen";
import { toSpecInput } from "./spec-form";

const A = "0190a0b0-0000-7000-8000-00000000000a";
const B = "0190a0b0-0000-7000-8000-00000000000b";
const C = "0190a0b0-0000-7000-8000-00000000000c";
const AUDIO = "0190a0b0-0000-7000-8000-0000000000ff";
const spec = VideoSpecSchema.parse({
  title: "Summer",
  slides: [{ photoId: A, transition: "none" }, { photoId: B, seconds: 4 }, { photoId: C }],
  music: { audioId: AUDIO, fadeOutSeconds: 1 },
});
let k = 0;
const base = (over: Partial<ReopenInput> = {}): ReopenInput => ({
  mode: "edit", spec, title: "Summer", photoUsable: () => true, musicUsable: () => true, newKey: () => `k${++k}`, ...over,
});

describe("reopenVideo", () => {
  it("opens a video for editing as the same spec, and says a new video will be made", () => {
    const r = reopenVideo(base());
    expect(toSpecInput(r.form)).toMatchObject({ title: "Summer", slides: [{ photoId: A, transition: "none" }, { photoId: B, seconds: 4 }, { photoId: C }], music: { audioId: AUDIO } });
    expect(new Set(r.form.slides.map((s) => s.key)).size).toBe(3);
    expect(r.notice).toMatch(/creating makes a new video; the original stays/);
    expect(r.errors).toEqual({});
  });

  it("duplicates with the title marked as a copy", () => {
    expect(reopenVideo(base({ mode: "duplicate" })).form.title).toBe("Summer (copy)");
    expect(reopenVideo(base({ mode: "duplicate", title: null })).form.title).toBe("Untitled video (copy)");
  });

  it("drops photos deleted since, with a visible notice", () => {
    const r = reopenVideo(base({ photoUsable: (id) => id !== B }));
    expect(r.form.slides.map((s) => s.photoId)).toEqual([A, C]);
    expect(r.notice).toMatch(/1 photo was deleted since this video was made and is left out/);
  });

  it("fixes a FAILED video: the music field carries the error; a gone track is unset and said so", () => {
    const fix = { mode: "fix" as const, error: "The music track was deleted. Choose another track and create the video again.", errorField: "music.audioId" };
    const kept = reopenVideo(base(fix));
    expect(kept.errors).toEqual({ "music.audioId": fix.error });
    expect(kept.form.musicAudioId).toBe(AUDIO);
    const gone = reopenVideo(base({ ...fix, musicUsable: () => false }));
    expect(gone.form.musicAudioId).toBe("");
    expect(gone.notice).toMatch(/music track was deleted/);
  });

  it("moves a slide's error to its new place when earlier photos are left out, and a failure of no field goes to the notice", () => {
    const r = reopenVideo(base({ mode: "fix", error: "Photo 3 can't be used", errorField: "slides.2.photoId", photoUsable: (id) => id !== A }));
    expect(r.errors).toEqual({ "slides.1.photoId": "Photo 3 can't be used" });
    const other = reopenVideo(base({ mode: "fix", error: "Rendering was stopped", errorField: null }));
    expect(other.errors).toEqual({});
    expect(other.notice).toMatch(/This video failed: Rendering was stopped/);
  });
});
