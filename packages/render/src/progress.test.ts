import { describe, expect, it } from "vitest";
import { eta, parseProgress, parseProgressBlock } from "./progress";

const block = (frame: string, outUs: string, progress = "continue") =>
  `frame=${frame}\nfps=30.0\nstream_0_0_q=28.0\nbitrate=N/A\ntotal_size=1234\nout_time_us=${outUs}\nout_time_ms=${outUs}\nout_time=00:00:01.000000\ndup_frames=0\ndrop_frames=0\nspeed=1.5x\nprogress=${progress}\n`;

describe("parseProgressBlock", () => {
  it("reads frame, out_time_us and the end marker", () => {
    expect(parseProgressBlock(block("30", "1000000"))).toEqual({ frame: 30, outTimeSeconds: 1, done: false });
    expect(parseProgressBlock(block("90", "3000000", "end")).done).toBe(true);
  });
  it("treats N/A as unknown and lets the last block win", () => {
    expect(parseProgressBlock(block("0", "N/A")).outTimeSeconds).toBeNull();
    expect(parseProgressBlock(block("10", "1") + block("20", "2")).frame).toBe(20);
  });
});

describe("parseProgress", () => {
  it("maps frames to percent of the whole video, counting earlier chunks", () => {
    const p = parseProgress(block("50", "1666666"), { fps: 30, totalFrames: 200, framesBefore: 50, elapsedSeconds: 10 });
    expect(p).toEqual({ percent: 50, etaSeconds: 10 });
  });
  it("falls back to out_time when frame is missing and maps into a sub-range", () => {
    const p = parseProgress("out_time_us=2000000\nprogress=continue\n", { fps: 25, totalFrames: 100, elapsedSeconds: 4, range: [5, 95] });
    expect(p?.percent).toBeCloseTo(5 + 90 * 0.5);
  });
  it("clamps to 100 and returns null with nothing to go on", () => {
    expect(parseProgress(block("500", "1"), { fps: 30, totalFrames: 100, elapsedSeconds: 1 })?.percent).toBe(100);
    expect(parseProgress("progress=continue\n", { fps: 30, totalFrames: 100, elapsedSeconds: 1 })).toBeNull();
  });
});

describe("eta", () => {
  it("extrapolates the rate so far", () => {
    expect(eta(25, 10)).toBe(30);
    expect(eta(0.5, 10)).toBeNull();
    expect(eta(100, 10)).toBe(0);
  });
});
