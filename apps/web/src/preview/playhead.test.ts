import { describe, expect, it } from "vitest";
import { clampFrame, formatTime, playheadAt, previewSize, trackTime } from "./playhead";

describe("playhead", () => {
  it("counts frames from the start time at the spec's rate", () => {
    expect(playheadAt(0, 1000, 1000, 30, 300, false)).toEqual({ frame: 0, ended: false });
    expect(playheadAt(0, 1000, 2000, 30, 300, false)).toEqual({ frame: 30, ended: false });
    expect(playheadAt(45, 0, 500, 24, 300, false)).toEqual({ frame: 57, ended: false });
  });

  it("stops on the last frame, or wraps when looping", () => {
    expect(playheadAt(0, 0, 20_000, 30, 300, false)).toEqual({ frame: 299, ended: true });
    expect(playheadAt(0, 0, 11_000, 30, 300, true)).toEqual({ frame: 30, ended: false });
  });

  it("clamps seeks into the video", () => {
    expect(clampFrame(-3, 100)).toBe(0);
    expect(clampFrame(250, 100)).toBe(99);
    expect(clampFrame(10.6, 100)).toBe(11);
  });

  it("formats time as m:ss.t", () => {
    expect(formatTime(0, 30)).toBe("0:00.0");
    expect(formatTime(102, 30)).toBe("0:03.4");
    expect(formatTime(30 * 75, 30)).toBe("1:15.0");
  });

  it("draws at the box's device pixels in the output's aspect, never larger than the output", () => {
    expect(previewSize({ width: 1920, height: 1080 }, 640, 1)).toEqual({ width: 640, height: 360 });
    expect(previewSize({ width: 1920, height: 1080 }, 960, 2)).toEqual({ width: 1920, height: 1080 });
    expect(previewSize({ width: 1280, height: 720 }, 960, 2)).toEqual({ width: 1280, height: 720 });
    expect(previewSize({ width: 1080, height: 1920 }, 300, 1)).toEqual({ width: 300, height: 534 });
  });
});

describe("trackTime", () => {
  it("loops a track shorter than the video, as the render does, and passes time through before the track is loaded", () => {
    expect(trackTime(12.5, 5)).toBeCloseTo(2.5);
    expect(trackTime(3, 5)).toBe(3);
    expect(trackTime(7, Number.NaN)).toBe(7);
  });
});
