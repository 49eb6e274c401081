import { describe, expect, it } from "vitest";
import { VideoSpecSchema, videoDuration, type VideoSpecInput } from "@photoreel/contracts";
import { frameContent, pieces, planTimeline, type FrameFormat } from "./plan";
import { photoId } from "./test-ids";

const spec = (over: Partial<VideoSpecInput> & { n?: number } = {}) => {
  const { n = 5, ...rest } = over;
  return VideoSpecSchema.parse({ slides: Array.from({ length: n }, () => ({ photoId: photoId() })), ...rest });
};
const hd = (fps = 30): FrameFormat => ({ width: 1920, height: 1080, fps });
const plan = (s: ReturnType<typeof spec>) => planTimeline(s, hd(s.fps));

describe("planTimeline", () => {
  it("counts n*d - (n-1)*t in frames", () => {
    const p = plan(spec({ n: 10, secondsPerPhoto: 3, transitionSeconds: 0.5, fps: 30 }));
    expect(p.totalFrames).toBe(765);
    expect(p.transitionFrames).toBe(15);
    expect(p.slides.map((s) => s.frames)).toEqual(Array(10).fill(90));
    expect(p.slides[1]!.start).toBe(75);
  });

  it("has no overlap for `none` and adds the title before the slides", () => {
    const s = spec({ n: 3, transition: "none", titleCard: { text: "Hi", seconds: 2 }, fps: 25 });
    const p = plan(s);
    expect(p.transitionFrames).toBe(0);
    expect(p.titleFrames).toBe(50);
    expect(p.totalFrames).toBe(50 + 3 * 75);
    expect(p.totalFrames / p.fps).toBeCloseTo(videoDuration(s), 6);
  });

  it.each([24, 25, 30] as const)("stays within one frame of videoDuration at %i fps with odd per-slide seconds", (fps) => {
    const s = VideoSpecSchema.parse({
      slides: [2.7, 3.3, 1.9, 4.05, 2.2, 6.6, 1.35].map((seconds) => ({ photoId: photoId(), seconds })),
      transitionSeconds: 0.3,
      fps,
      titleCard: { text: "x", seconds: 1.5 },
    });
    const p = plan(s);
    expect(Math.abs(p.totalFrames / fps - videoDuration(s))).toBeLessThanOrEqual(0.5 / fps + 1e-9);
    expect(pieces(p).reduce((a, x) => a + x.frames, 0)).toBe(p.totalFrames);
  });

  it("stays within one frame over 100 slides (no accumulated rounding)", () => {
    const s = VideoSpecSchema.parse({
      slides: Array.from({ length: 100 }, (_, i) => ({ photoId: photoId(), seconds: 1.37 + (i % 3) * 0.51 })),
      transitionSeconds: 0.37,
      fps: 24,
    });
    const p = plan(s);
    expect(Math.abs(p.totalFrames / 24 - videoDuration(s))).toBeLessThanOrEqual(0.5 / 24 + 1e-9);
  });

  it("lays the spec on any frame format (a small, slow preview)", () => {
    const p = planTimeline(spec({ n: 4, aspect: "9:16" }), { width: 360, height: 640, fps: 12 });
    expect([p.width, p.height, p.fps]).toEqual([360, 640, 12]);
    expect(p.transitionFrames).toBe(6);
    expect(p.totalFrames).toBe(4 * 36 - 3 * 6);
  });
});

describe("pieces", () => {
  it("alternates holds and transitions with the right offsets", () => {
    const p = plan(spec({ n: 3, secondsPerPhoto: 3, transitionSeconds: 0.5, fps: 30, transition: "wipeleft" }));
    expect(pieces(p)).toEqual([
      { kind: "hold", slide: 0, from: 0, frames: 75 },
      { kind: "transition", slide: 0, frames: 15, transition: "wipeleft" },
      { kind: "hold", slide: 1, from: 15, frames: 60 },
      { kind: "transition", slide: 1, frames: 15, transition: "wipeleft" },
      { kind: "hold", slide: 2, from: 15, frames: 75 },
    ]);
  });

  it("is a single hold for one slide", () => {
    const p = plan(spec({ n: 1, secondsPerPhoto: 4, fps: 24 }));
    expect(pieces(p)).toEqual([{ kind: "hold", slide: 0, from: 0, frames: 96 }]);
  });
});

describe("frameContent", () => {
  const p = plan(spec({ n: 3, secondsPerPhoto: 3, transitionSeconds: 0.5, fps: 30, titleCard: { text: "T", seconds: 1 } }));

  it("walks title, slides and transitions in the order pieces lays them out", () => {
    // Every frame of pieces(p), in order, is what frameContent says it is.
    let frame = 0;
    for (const piece of pieces(p)) {
      for (let k = 0; k < piece.frames; k++, frame++) {
        const c = frameContent(p, frame);
        if (piece.kind === "title") expect(c).toEqual({ kind: "title", frame: k });
        else if (piece.kind === "hold") expect(c).toEqual({ kind: "slide", slide: piece.slide, frame: piece.from + k });
        else {
          const a = p.slides[piece.slide]!;
          expect(c).toEqual({ kind: "transition", slide: piece.slide, transition: "fade", progress: k / piece.frames, frames: [a.frames - piece.frames + k, k] });
        }
      }
    }
    expect(frame).toBe(p.totalFrames);
  });

  it("clamps frames outside the video to its first and last", () => {
    expect(frameContent(p, -5)).toEqual({ kind: "title", frame: 0 });
    expect(frameContent(p, 10_000)).toEqual({ kind: "slide", slide: 2, frame: 89 });
  });
});
