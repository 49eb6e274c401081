import { describe, expect, it } from "vitest";
import { VideoSpecSchema } from "@photoreel/contracts";
import { frameContent, planTimeline } from "./plan";
import { musicGain, slideShownFrame, slideStartFrame, titleTextAlpha, titleTextLayout, wrapTitle } from "./playback";
import { photoId } from "./test-ids";

describe("slideStartFrame", () => {
  it("is the first frame on which frameContent shows the slide, title included", () => {
    const spec = VideoSpecSchema.parse({ slides: Array.from({ length: 4 }, () => ({ photoId: photoId() })), titleCard: { text: "Hi", seconds: 2 } });
    const plan = planTimeline(spec, { width: 640, height: 360, fps: 30 });
    expect(slideStartFrame(plan, 0)).toBe(60);
    for (let i = 1; i < 4; i++) {
      const f = slideStartFrame(plan, i);
      // The incoming side of the transition into slide i, at its own frame 0.
      expect(frameContent(plan, f)).toMatchObject({ kind: "transition", slide: i - 1, frames: [expect.any(Number), 0] });
      expect(frameContent(plan, f - 1)).toMatchObject({ kind: "slide", slide: i - 1 });
    }
    expect(() => slideStartFrame(plan, 4)).toThrow(RangeError);
    // Where a player shows "slide i": its transition in is over, it is alone on screen.
    expect(frameContent(plan, slideShownFrame(plan, 0))).toEqual({ kind: "slide", slide: 0, frame: 0 });
    expect(frameContent(plan, slideShownFrame(plan, 2))).toEqual({ kind: "slide", slide: 2, frame: plan.transitionFrames });
    expect(frameContent(plan, slideShownFrame(plan, 2) - 1)).toMatchObject({ kind: "transition", slide: 1 });
  });

  it("a slide after a per-slide cut is alone on screen from its first frame", () => {
    const slides = Array.from({ length: 4 }, (_, i) => ({ photoId: photoId(), ...(i === 1 ? { transition: "none" } : {}) }));
    const cut = VideoSpecSchema.parse({ slides, titleCard: { text: "Hi", seconds: 2 } });
    const plan = planTimeline(cut, { width: 640, height: 360, fps: 30 });
    expect(slideShownFrame(plan, 2)).toBe(slideStartFrame(plan, 2));
    expect(frameContent(plan, slideShownFrame(plan, 2))).toEqual({ kind: "slide", slide: 2, frame: 0 });
    expect(frameContent(plan, slideShownFrame(plan, 2) - 1)).toMatchObject({ kind: "slide", slide: 1 });
    // Slide 1's own way in is still a fade.
    expect(frameContent(plan, slideShownFrame(plan, 1) - 1)).toMatchObject({ kind: "transition", slide: 0 });
  });
});

describe("musicGain", () => {
  it("holds 1, then fades linearly to 0 over the last fadeOutSeconds", () => {
    expect(musicGain(0, 10, 2)).toBe(1);
    expect(musicGain(8, 10, 2)).toBe(1);
    expect(musicGain(9, 10, 2)).toBeCloseTo(0.5);
    expect(musicGain(10, 10, 2)).toBe(0);
    expect(musicGain(5, 10, 0)).toBe(1);
    // A fade longer than the video starts at its first frame.
    expect(musicGain(0, 3, 10)).toBe(1);
    expect(musicGain(1.5, 3, 10)).toBeCloseTo(0.5);
  });
});

describe("titleTextAlpha", () => {
  it("fades in and out over min(0.5 s, a quarter of the card)", () => {
    expect(titleTextAlpha(0, 60, 30)).toBe(0);
    expect(titleTextAlpha(15, 60, 30)).toBe(1);
    expect(titleTextAlpha(30, 60, 30)).toBe(1);
    expect(titleTextAlpha(7.5, 60, 30)).toBeCloseTo(0.5);
    expect(titleTextAlpha(60, 60, 30)).toBe(0);
    // A 1 s card fades over 0.25 s.
    expect(titleTextAlpha(3, 24, 24)).toBeCloseTo(3 / 24 / 0.25);
  });
});

describe("titleTextLayout", () => {
  it("wraps, fits the longest line in the frame and centres the block", () => {
    const l = titleTextLayout({ text: "A summer by the sea with everyone we love", subtitle: "3–9 March 2026" }, { width: 1920, height: 1080 });
    expect(l.lines).toEqual(wrapTitle("A summer by the sea with everyone we love"));
    expect(l.lines.length).toBe(2);
    expect(l.fontSize).toBeLessThanOrEqual(108);
    expect(Math.max(...l.lines.map((s) => s.length)) * 0.65 * l.fontSize).toBeLessThanOrEqual(1920 * 0.9);
    expect(l.subtitle?.fontSize).toBeLessThan(l.fontSize);
    const block = l.lines.length * l.lineHeight + (l.subtitle?.lineHeight ?? 0);
    expect(l.blockTop * 2 + block).toBeCloseTo(1080);
  });

  it("scales with the frame, so a small preview lays out as the render does", () => {
    const big = titleTextLayout({ text: "Holidays" }, { width: 1920, height: 1080 });
    const small = titleTextLayout({ text: "Holidays" }, { width: 640, height: 360 });
    expect(small.lines).toEqual(big.lines);
    expect(small.fontSize / big.fontSize).toBeCloseTo(1 / 3, 1);
  });
});
