import { describe, expect, it } from "vitest";
import { VideoSpecSchema, type VideoSpecInput } from "@photoreel/contracts";
import { cutDurations, snapToBeats } from "./beats";
import { planTimeline } from "./plan";
import { audioId, photoId } from "./test-ids";

const spec = (over: Partial<VideoSpecInput> & { n?: number } = {}) => {
  const { n = 5, ...rest } = over;
  return VideoSpecSchema.parse({ slides: Array.from({ length: n }, () => ({ photoId: photoId() })), ...rest });
};
/** A steady pulse: `bpm` beats per minute from `first` for `seconds`. */
const grid = (bpm: number, seconds = 120, first = 0.2) => Array.from({ length: Math.floor(((seconds - first) * bpm) / 60) }, (_, i) => first + (i * 60) / bpm);
/** Video time of each cut: the next slide's start, plus half the transition. */
const cuts = (s: ReturnType<typeof spec>, d: number[]) => {
  const t = s.transition === "none" ? 0 : s.transitionSeconds;
  const out: number[] = [];
  let start = s.titleCard?.seconds ?? 0;
  for (const len of d.slice(0, -1)) {
    start += len - t;
    out.push(start + t / 2);
  }
  return out;
};
const nearest = (x: number, beats: number[]) => Math.min(...beats.map((b) => Math.abs(b - x)));

describe("snapToBeats", () => {
  it.each([90, 128])("puts every hard cut on a beat at %i BPM and keeps each slide near its length", (bpm) => {
    const s = spec({ n: 8, transition: "none", secondsPerPhoto: 3 });
    const beats = grid(bpm);
    const d = snapToBeats(s, beats);
    for (const c of cuts(s, d)) expect(nearest(c, beats)).toBeLessThan(1e-9);
    // Nearest beat to the slide's own length: never more than half a beat away from it.
    d.slice(0, -1).forEach((len) => expect(Math.abs(len - 3)).toBeLessThanOrEqual(30 / bpm + 1e-9));
    expect(d.at(-1)).toBe(3);
  });

  it("snaps the middle of each transition, after a title card, and keeps slides longer than two transitions", () => {
    const s = spec({ n: 6, transition: "fade", transitionSeconds: 0.8, secondsPerPhoto: 2, titleCard: { text: "Hi", seconds: 2 } });
    const beats = grid(100);
    const d = snapToBeats(s, beats);
    for (const c of cuts(s, d)) expect(nearest(c, beats)).toBeLessThan(1e-9);
    d.slice(1, -1).forEach((len) => expect(len).toBeGreaterThan(1.6));
  });

  it("stays within 1-10 s: a cut with no beat in range stays where the slide's length puts it", () => {
    const s = spec({ n: 3, transition: "none", secondsPerPhoto: 1 });
    // Beats only at 0.3 s (too soon for a 1 s slide) and 20 s (too late): nothing moves.
    expect(snapToBeats(s, [0.3, 20])).toEqual([1, 1, 1]);
    // Slow music (20 BPM): the nearest beat in range wins even when far from the target, never past 10 s.
    const slow = snapToBeats(spec({ n: 2, transition: "none", secondsPerPhoto: 8 }), [0, 3, 12]);
    expect(slow).toEqual([3, 8]);
  });

  it("changes nothing unless the spec asks to cut on the beat and carries beats", () => {
    const base = { n: 4, transition: "none" as const, secondsPerPhoto: 3 };
    const beats = grid(128);
    expect(cutDurations(spec({ ...base, music: { audioId: audioId(), beats } }))).toEqual([3, 3, 3, 3]);
    expect(cutDurations(spec({ ...base, music: { audioId: audioId(), cutOnBeat: true } }))).toEqual([3, 3, 3, 3]);
    expect(cutDurations(spec({ ...base, music: { audioId: audioId(), cutOnBeat: true, beats } }))).not.toEqual([3, 3, 3, 3]);
  });

  it("planTimeline follows: every slide starts within half a frame of a beat", () => {
    const beats = grid(128, 60, 0.11);
    for (const fps of [24, 25, 30] as const) {
      const s = spec({ n: 10, transition: "none", secondsPerPhoto: 2.5, fps, music: { audioId: audioId(), cutOnBeat: true, beats } });
      const p = planTimeline(s, { width: 640, height: 360, fps });
      for (const slide of p.slides.slice(1)) expect(nearest(slide.start / fps, beats)).toBeLessThanOrEqual(0.5 / fps + 1e-9);
    }
  });
});
