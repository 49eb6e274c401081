import { describe, expect, it } from "vitest";
import { VideoSpecSchema, renderProfile, videoDuration, type VideoSpecInput } from "@photoreel/contracts";
import { pieces, planChunks, planTimeline, type Chunk } from "./timeline";

const id = () => crypto.randomUUID();
const spec = (over: Partial<VideoSpecInput> & { n?: number } = {}) => {
  const { n = 5, ...rest } = over;
  return VideoSpecSchema.parse({ slides: Array.from({ length: n }, () => ({ photoId: id() })), ...rest });
};
const plan = (s: ReturnType<typeof spec>) => planTimeline(s, renderProfile(s));

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
      slides: [2.7, 3.3, 1.9, 4.05, 2.2, 6.6, 1.35].map((seconds) => ({ photoId: id(), seconds })),
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
      slides: Array.from({ length: 100 }, (_, i) => ({ photoId: id(), seconds: 1.37 + (i % 3) * 0.51 })),
      transitionSeconds: 0.37,
      fps: 24,
    });
    const p = plan(s);
    expect(Math.abs(p.totalFrames / 24 - videoDuration(s))).toBeLessThanOrEqual(0.5 / 24 + 1e-9);
  });

  it("uses the preview profile's fps and size", () => {
    const s = spec({ n: 4, aspect: "9:16" });
    const p = planTimeline(s, renderProfile(s, { preview: true }));
    expect([p.width, p.height, p.fps]).toEqual([360, 640, 12]);
    expect(p.transitionFrames).toBe(6);
    expect(p.totalFrames).toBe(4 * 36 - 3 * 6);
  });
});

describe("pieces", () => {
  it("alternates holds and transitions with the right offsets", () => {
    const p = plan(spec({ n: 3, secondsPerPhoto: 3, transitionSeconds: 0.5, fps: 30 }));
    expect(pieces(p)).toEqual([
      { kind: "hold", slide: 0, from: 0, frames: 75 },
      { kind: "transition", slide: 0, frames: 15 },
      { kind: "hold", slide: 1, from: 15, frames: 60 },
      { kind: "transition", slide: 1, frames: 15 },
      { kind: "hold", slide: 2, from: 15, frames: 75 },
    ]);
  });

  it("is a single hold for one slide", () => {
    const p = plan(spec({ n: 1, secondsPerPhoto: 4, fps: 24 }));
    expect(pieces(p)).toEqual([{ kind: "hold", slide: 0, from: 0, frames: 96 }]);
  });
});

describe("planChunks", () => {
  const check = (chunks: Chunk[], total: number, max: number) => {
    expect(chunks.reduce((a, c) => a + c.frames, 0)).toBe(total);
    let start = 0;
    for (const c of chunks) {
      expect(c.startFrame).toBe(start);
      start += c.frames;
      const slides = new Set(c.pieces.flatMap((p) => (p.kind === "hold" ? [p.slide] : p.kind === "transition" ? [p.slide, p.slide + 1] : [])));
      expect(slides.size).toBeLessThanOrEqual(max + 1);
      // A chunk never begins or ends inside a transition: boundaries are between pieces, and split holds continue.
      expect(c.pieces[0]!.kind).not.toBe("transition");
    }
  };

  it("splits 25 slides into chunks at mid-hold points with continuous offsets", () => {
    const p = plan(spec({ n: 25, secondsPerPhoto: 2, transitionSeconds: 0.5, fps: 30 }));
    const chunks = planChunks(p, 4);
    check(chunks, p.totalFrames, 4);
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!.pieces.at(-1)!;
      const next = chunks[i]!.pieces[0]!;
      expect(prev.kind).toBe("hold");
      expect(next.kind).toBe("hold");
      if (prev.kind === "hold" && next.kind === "hold") {
        expect(next.slide).toBe(prev.slide);
        expect(next.from).toBe(prev.from + prev.frames);
      }
    }
  });

  it("keeps everything in one chunk when it fits, title included", () => {
    const p = plan(spec({ n: 6, titleCard: { text: "T" } }));
    const chunks = planChunks(p, 12);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.pieces[0]).toEqual({ kind: "title", frames: 60 });
  });

  it("cuts between holds when there are no transitions", () => {
    const p = plan(spec({ n: 7, transition: "none" }));
    const chunks = planChunks(p, 3);
    check(chunks, p.totalFrames, 3);
    expect(chunks.map((c) => c.pieces.length)).toEqual([3, 3, 1]);
  });
});
