import { describe, expect, it } from "vitest";
import { VideoSpecSchema, type VideoSpecInput } from "@photoreel/contracts";
import { estimateVideoBytes, KEN_BURNS_COST, renderWork, videoBitrateCap } from "./policy";

describe("videoBitrateCap", () => {
  it.each([
    [1920, 1080, 8_000],
    [1080, 1920, 8_000],
    [3840, 2160, 35_000],
    [1280, 720, 5_000],
    [640, 360, 1_000],
  ])("caps %ix%i at the platforms' upload rate, %i kbit/s", (width, height, kbps) => {
    expect(videoBitrateCap({ width, height })).toBe(kbps);
  });

  it("gives a square or 4:5 frame what its pixel count needs, between its neighbours", () => {
    const square = videoBitrateCap({ width: 1080, height: 1080 });
    const portrait = videoBitrateCap({ width: 1080, height: 1350 });
    expect(square).toBeGreaterThan(5_000);
    expect(portrait).toBeGreaterThan(square);
    expect(portrait).toBeLessThan(8_000);
  });
});

describe("estimateVideoBytes", () => {
  const spec = (over: Partial<VideoSpecInput> = {}) =>
    VideoSpecSchema.parse({ slides: Array.from({ length: 10 }, (_, i) => ({ photoId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}` })), fit: "contain", ...over });

  it("matches the bench's measured files it was fitted to (within 2%)", () => {
    expect(estimateVideoBytes(spec()) / 5_932_379).toBeCloseTo(1, 1.4);
    expect(estimateVideoBytes(spec({ kenBurns: true })) / 11_801_392).toBeCloseTo(1, 1.4);
  });

  it("grows with duration, motion and music, and shrinks at draft quality", () => {
    const base = estimateVideoBytes(spec());
    expect(estimateVideoBytes(spec({ secondsPerPhoto: 6 }))).toBeGreaterThan(base);
    expect(estimateVideoBytes(spec({ kenBurns: true }))).toBeGreaterThan(base);
    expect(estimateVideoBytes(spec({ music: { audioId: "00000000-0000-4000-8000-0000000000aa" } }))).toBeGreaterThan(base);
    expect(estimateVideoBytes(spec({ quality: "draft" }))).toBeLessThan(base * 0.6);
  });

  it("never exceeds what the VBV cap lets through (the cap over the duration plus its buffer, audio, 1% container)", () => {
    const costly = spec({ kenBurns: true, secondsPerPhoto: 1, transitionSeconds: 0.1, resolution: "2160p" });
    const seconds = 10 - 9 * 0.1;
    expect(estimateVideoBytes(costly)).toBeLessThanOrEqual((35_000_000 * (seconds + 1) / 8) * 1.01 + 1);
  });
});

describe("renderWork", () => {
  const spec = (over: Partial<VideoSpecInput> = {}) =>
    VideoSpecSchema.parse({ slides: Array.from({ length: 10 }, (_, i) => ({ photoId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}` })), secondsPerPhoto: 3, transitionSeconds: 0.5, ...over });

  it("is a second of 1080p30 held slides per unit, and scales with output pixels x frames", () => {
    const base = spec({ resolution: "1080p", fps: 30 });
    expect(renderWork(base)).toBeCloseTo(10 * 3 - 9 * 0.5, 6);
    expect(renderWork(spec({ resolution: "2160p", fps: 30 })) / renderWork(base)).toBeCloseTo(4, 6);
    expect(renderWork(spec({ resolution: "720p", fps: 30 })) / renderWork(base)).toBeCloseTo(4 / 9, 6);
    expect(renderWork(spec({ resolution: "1080p", fps: 24 })) / renderWork(base)).toBeCloseTo(0.8, 6);
    expect(renderWork(spec({ secondsPerPhoto: 6 }))).toBeGreaterThan(renderWork(base) * 2);
  });

  it("weighs Ken Burns slides by KEN_BURNS_COST, but not a title card, which holds still", () => {
    expect(renderWork(spec({ kenBurns: true })) / renderWork(spec())).toBeCloseTo(KEN_BURNS_COST, 6);
    const titled = (kenBurns: boolean) => renderWork(spec({ kenBurns, titleCard: { text: "Hi", seconds: 4 } }));
    expect(titled(true) - titled(false)).toBeCloseTo((KEN_BURNS_COST - 1) * (10 * 3 - 9 * 0.5), 6);
  });
});
