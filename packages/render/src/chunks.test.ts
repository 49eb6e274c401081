import { describe, expect, it } from "vitest";
import { VideoSpecSchema, type VideoSpecInput } from "@photoreel/contracts";
import { renderProfile } from "./policy";
import { planTimeline } from "@photoreel/timeline";
import { planChunks, type Chunk } from "./chunks";

const id = () => crypto.randomUUID();
const spec = (over: Partial<VideoSpecInput> & { n?: number } = {}) => {
  const { n = 5, ...rest } = over;
  return VideoSpecSchema.parse({ slides: Array.from({ length: n }, () => ({ photoId: id() })), ...rest });
};
const plan = (s: ReturnType<typeof spec>) => planTimeline(s, renderProfile(s));

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
