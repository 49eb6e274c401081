import { describe, expect, it } from "vitest";
import { chunk, guessContentType, missingParts, MULTIPART_THRESHOLD_BYTES, parseResumeRecord, partRange, resumeKey, SpeedMeter, uploadedBytes, useMultipart } from "./upload-plan";

const MiB = 1024 * 1024;
const PART = 8 * MiB;
const FILE = 20 * MiB; // 3 parts: 8 + 8 + 4

describe("part planning", () => {
  it("uses multipart only above 16 MB", () => {
    expect(useMultipart(MULTIPART_THRESHOLD_BYTES)).toBe(false);
    expect(useMultipart(MULTIPART_THRESHOLD_BYTES + 1)).toBe(true);
  });

  it("cuts the file into part ranges, the last one short", () => {
    expect(partRange(1, PART, FILE)).toEqual({ start: 0, end: PART });
    expect(partRange(3, PART, FILE)).toEqual({ start: 2 * PART, end: FILE });
    expect(() => partRange(4, PART, FILE)).toThrow(RangeError);
    expect(() => partRange(0, PART, FILE)).toThrow(RangeError);
  });

  it("skips parts storage already has, but re-sends a part with the wrong size", () => {
    expect(missingParts(3, PART, FILE, [])).toEqual([1, 2, 3]);
    expect(missingParts(3, PART, FILE, [{ partNumber: 1, size: PART }])).toEqual([2, 3]);
    expect(missingParts(3, PART, FILE, [{ partNumber: 1, size: PART }, { partNumber: 3, size: 4 * MiB }])).toEqual([2]);
    expect(missingParts(3, PART, FILE, [{ partNumber: 2, size: 100 }])).toEqual([1, 2, 3]);
  });

  it("counts bytes already uploaded for the progress bar", () => {
    expect(uploadedBytes(3, PART, FILE, [{ partNumber: 1, size: PART }, { partNumber: 3, size: 4 * MiB }])).toBe(12 * MiB);
    expect(uploadedBytes(3, PART, FILE, [])).toBe(0);
  });

  it("chunks part numbers for presigning", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 2)).toEqual([]);
  });
});

describe("resume records", () => {
  const file = { name: "big.jpg", size: FILE, lastModified: 1700000000000 };
  const rec = { ...file, photoId: "0190a0b0-0000-7000-8000-000000000001", partBytes: PART, partCount: 3, savedAt: 1_000 };

  it("keys by name, size and modification time", () => {
    expect(resumeKey(file)).toBe("photoreel.upload:big.jpg:20971520:1700000000000");
  });
  it("accepts the record for the same file only", () => {
    expect(parseResumeRecord(JSON.stringify(rec), file, 2_000)).toEqual(rec);
    expect(parseResumeRecord(JSON.stringify(rec), { ...file, size: FILE - 1 }, 2_000)).toBeNull();
    expect(parseResumeRecord(JSON.stringify(rec), { ...file, lastModified: 1 }, 2_000)).toBeNull();
  });
  it("drops stale and malformed records", () => {
    expect(parseResumeRecord(JSON.stringify(rec), file, 1_000 + 8 * 24 * 3600 * 1000)).toBeNull();
    expect(parseResumeRecord("{not json", file)).toBeNull();
    expect(parseResumeRecord(JSON.stringify({ ...rec, photoId: 5 }), file, 2_000)).toBeNull();
    expect(parseResumeRecord(null, file)).toBeNull();
  });
});

describe("SpeedMeter", () => {
  it("measures over the recent window", () => {
    const m = new SpeedMeter(1000);
    m.add(0, 0);
    m.add(500, 500_000);
    m.add(1000, 1_000_000);
    expect(m.bytesPerSecond()).toBeCloseTo(1_000_000, -3);
    // A stall: no new bytes for two seconds brings the figure down.
    m.add(2000, 1_000_000);
    m.add(3000, 1_000_000);
    expect(m.bytesPerSecond()).toBe(0);
  });
});

describe("guessContentType", () => {
  it("trusts the browser, falls back to the extension", () => {
    expect(guessContentType("a.png", "image/png")).toBe("image/png");
    expect(guessContentType("IMG_1.HEIC", "")).toBe("image/heic");
    expect(guessContentType("pixel.avif", "")).toBe("image/avif");
    expect(guessContentType("song.m4a", "")).toBe("audio/mp4");
    expect(guessContentType("x.bin", "")).toBe("application/octet-stream");
  });
});
