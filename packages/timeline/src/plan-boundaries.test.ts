import { describe, expect, it } from "vitest";
import { VideoSpecSchema, videoDuration, type Transition, type VideoSpecInput } from "@photoreel/contracts";
import { frameContent, pieces, planTimeline } from "./plan";
import { cutDurations } from "./beats";
import { audioId, photoId } from "./test-ids";

const ids = Array.from({ length: 6 }, () => photoId());
const spec = (over: Partial<VideoSpecInput> & { per?: (Transition | undefined)[] } = {}) => {
  const { per = [undefined, undefined, undefined, undefined], ...rest } = over;
  return VideoSpecSchema.parse({
    slides: per.map((transition, i) => ({ photoId: ids[i]!, ...(transition ? { transition } : {}) })),
    ...rest,
  });
};
const plan = (s: ReturnType<typeof spec>) => planTimeline(s, { width: 1280, height: 720, fps: s.fps });

describe("per-slide transitions", () => {
  it("plans a spec stored before per-slide transitions exactly as before (each boundary the video's)", () => {
    // A spec as the database held it before slides had `transition`: parsed, it has none on any slide.
    const stored = {
      slides: ids.slice(0, 4).map((photoId) => ({ photoId })),
      secondsPerPhoto: 2.7,
      transition: "wipeleft",
      transitionSeconds: 0.37,
      fps: 24,
      titleCard: { text: "Old", seconds: 1.3 },
    };
    const s = VideoSpecSchema.parse(stored);
    expect(s.slides.every((x) => !("transition" in x))).toBe(true);
    const p = plan(s);
    expect(p.boundaries).toEqual(Array(3).fill({ transition: "wipeleft", frames: p.transitionFrames }));
    // The same numbers as the uniform plan: n*d - (n-1)*t, frames rounded once.
    expect(p.totalFrames).toBe(Math.round(videoDuration(s) * 24));
    expect(p.slides.map((x) => x.start)).toEqual([0, 56, 112, 168].map((_, i) => Math.round(i * (2.7 - 0.37) * 24)));
    expect(pieces(p).filter((x) => x.kind === "transition").map((x) => x.kind === "transition" && x.transition)).toEqual(["wipeleft", "wipeleft", "wipeleft"]);
  });

  it("gives each boundary its own transition: a cut has 0 frames, the others the video's length", () => {
    const s = spec({ per: ["none", "wipeleft", undefined, "dissolve"], transition: "fade", secondsPerPhoto: 3, transitionSeconds: 0.5, fps: 30 });
    const p = plan(s);
    expect(p.boundaries).toEqual([
      { transition: "none", frames: 0 },
      { transition: "wipeleft", frames: 15 },
      { transition: "fade", frames: 15 },
    ]);
    // Slide 1 starts right where slide 0 ends (a cut); later slides overlap by 15 frames.
    expect(p.slides.map((x) => x.start)).toEqual([0, 90, 165, 240]);
    expect(p.slides.map((x) => x.frames)).toEqual([90, 90, 90, 90]);
    expect(p.totalFrames).toBe(330);
    expect(p.totalFrames / 30).toBeCloseTo(videoDuration(s), 6);
    expect(pieces(p)).toEqual([
      { kind: "hold", slide: 0, from: 0, frames: 90 },
      { kind: "hold", slide: 1, from: 0, frames: 75 },
      { kind: "transition", slide: 1, frames: 15, transition: "wipeleft" },
      { kind: "hold", slide: 2, from: 15, frames: 60 },
      { kind: "transition", slide: 2, frames: 15, transition: "fade" },
      { kind: "hold", slide: 3, from: 15, frames: 75 },
    ]);
    expect(frameContent(p, 89)).toEqual({ kind: "slide", slide: 0, frame: 89 });
    expect(frameContent(p, 90)).toEqual({ kind: "slide", slide: 1, frame: 0 });
    expect(frameContent(p, 170)).toMatchObject({ kind: "transition", slide: 1, transition: "wipeleft", progress: 5 / 15 });
    expect(frameContent(p, 245)).toMatchObject({ kind: "transition", slide: 2, transition: "fade" });
  });

  it("lets one slide add a transition to a video of cuts", () => {
    const s = spec({ per: [undefined, "circleopen", undefined, undefined], transition: "none", secondsPerPhoto: 2, transitionSeconds: 1, fps: 25 });
    const p = plan(s);
    expect(p.boundaries.map((b) => b.frames)).toEqual([0, 25, 0]);
    expect(videoDuration(s)).toBe(7);
    expect(p.totalFrames).toBe(175);
    expect(pieces(p).reduce((a, x) => a + x.frames, 0)).toBe(p.totalFrames);
  });

  it("checks each slide against its own boundaries", () => {
    const base = { secondsPerPhoto: 1, transitionSeconds: 0.6 };
    // All cuts but one: slide 1 and 2 each touch one 0.6 s transition, which 1 s outlasts.
    expect(VideoSpecSchema.safeParse({ ...base, transition: "none", slides: ids.slice(0, 4).map((photoId, i) => ({ photoId, transition: i === 1 ? "fade" : undefined })) }).success).toBe(true);
    // The same with the video's fade everywhere: middle slides can't hold two 0.6 s transitions in 1 s.
    const r = VideoSpecSchema.safeParse({ ...base, transition: "fade", slides: ids.slice(0, 4).map((photoId) => ({ photoId })) });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["slides.1.seconds", "slides.2.seconds"]);
    expect(r.error?.issues[0]!.message).toBe("must be longer than two transitions (1.2 s)");
  });

  it("snaps cuts on the beat with each boundary's own overlap", () => {
    const beats = Array.from({ length: 40 }, (_, k) => k * 0.7);
    const s = spec({ per: ["none", "fade", undefined, undefined], transition: "none", secondsPerPhoto: 3.2, transitionSeconds: 1, music: { audioId: audioId(), cutOnBeat: true, beats } });
    const d = cutDurations(s);
    // Where the picture changes: at a hard cut the next slide's start, in a transition its middle.
    const overlap = [0, 1, 0];
    let start = 0;
    const cuts = d.slice(0, -1).map((len, i) => {
      start += len - overlap[i]!;
      return start + overlap[i]! / 2;
    });
    for (const c of cuts) expect(Math.abs(c / 0.7 - Math.round(c / 0.7))).toBeLessThan(1e-9);
    expect(d.slice(0, 3)).not.toEqual([3.2, 3.2, 3.2]);
    const p = plan(s);
    expect(p.boundaries.map((b) => b.transition)).toEqual(["none", "fade", "none"]);
  });
});
