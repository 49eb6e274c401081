import { describe, expect, it } from "vitest";
import { cameraName, formatBytes, formatDuration, formatEta, formatPercent, formatSeconds, formatSpeed } from "./format";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KB"],
    [20 * 1024 * 1024, "20.0 MB"],
    [150 * 1024 * 1024, "150 MB"],
    [10 * 1024 ** 3, "10.0 GB"],
  ])("%d -> %s", (n, s) => expect(formatBytes(n)).toBe(s));
  it("shows a dash for nonsense", () => expect(formatBytes(-1)).toBe("–"));
});

describe("formatSpeed", () => {
  it("is bytes per second, empty when not moving", () => {
    expect(formatSpeed(2 * 1024 * 1024)).toBe("2.0 MB/s");
    expect(formatSpeed(0)).toBe("");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0:00"],
    [9.6, "0:10"],
    [75, "1:15"],
    [3725, "1:02:05"],
  ])("%d -> %s", (n, s) => expect(formatDuration(n)).toBe(s));
});

describe("formatEta", () => {
  it("is null when unknown and rounds sensibly", () => {
    expect(formatEta(null)).toBeNull();
    expect(formatEta(3)).toBe("a few seconds left");
    expect(formatEta(22)).toBe("about 20 s left");
    expect(formatEta(150)).toBe("about 3 min left");
  });
});

describe("formatPercent / formatSeconds", () => {
  it("clamps and rounds", () => {
    expect(formatPercent(42.4)).toBe("42%");
    expect(formatPercent(140)).toBe("100%");
    expect(formatPercent(-5)).toBe("0%");
    expect(formatSeconds(2.54)).toBe("2.5 s");
    expect(formatSeconds(null)).toBe("–");
  });
});

describe("cameraName", () => {
  it("names the camera once, from make and model as cameras record them", () => {
    expect(cameraName("Canon", "Canon EOS R6")).toBe("Canon EOS R6");
    expect(cameraName("Apple", "iPhone 15 Pro")).toBe("Apple iPhone 15 Pro");
    expect(cameraName("SONY ", "ILCE-7M4")).toBe("SONY ILCE-7M4");
    expect(cameraName(null, "Pixel 8")).toBe("Pixel 8");
    expect(cameraName(null, " ")).toBeNull();
  });
});
