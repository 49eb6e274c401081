import { describe, expect, it } from "vitest";
import { VideoSpecSchema, type VideoSpecInput } from "@photoreel/contracts";
import { estimateVideoBytes, videoBitrateCap } from "./policy";

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
