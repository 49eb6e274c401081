import { describe, expect, it } from "vitest";
import { cleanText, parseExifDate, readExifFields } from "./exif";
import { exifBlock, hostileExifBlock } from "./test-support/corpus";

describe("parseExifDate", () => {
  it("reads the EXIF format as UTC", () => {
    expect(parseExifDate("2024:02:29 13:05:09", undefined)?.toISOString()).toBe("2024-02-29T13:05:09.000Z");
  });
  it("applies OffsetTimeOriginal", () => {
    expect(parseExifDate("2024:01:01 00:30:00", "+01:00")?.toISOString()).toBe("2023-12-31T23:30:00.000Z");
    expect(parseExifDate("2024:01:01 00:30:00", "-05:30")?.toISOString()).toBe("2024-01-01T06:00:00.000Z");
  });
  it("ignores a garbage offset", () => {
    expect(parseExifDate("2024:01:01 00:30:00", "  :  ")?.toISOString()).toBe("2024-01-01T00:30:00.000Z");
  });
  it.each(["0000:00:00 00:00:00", "2023:02:31 10:00:00", "2023:13:01 10:00:00", "2023-01-01 10:00:00", "    :  :     :  :  ", ""])(
    "garbage %j is null",
    (value) => {
      expect(parseExifDate(value, undefined)).toBeNull();
    },
  );
});

describe("cleanText", () => {
  it("trims, caps at 64 characters, and nulls garbage", () => {
    expect(cleanText("  Apple \0\0")).toBe("Apple");
    expect(cleanText("x".repeat(100))).toHaveLength(64);
    expect(cleanText("\u0001\u0002abc")).toBeNull();
    expect(cleanText("   ")).toBeNull();
    expect(cleanText(42)).toBeNull();
  });
});

describe("readExifFields", () => {
  it("reads Make and Model from a block with 60 KB of filler", () => {
    expect(readExifFields(exifBlock({ make: "FUJIFILM", model: "X-T5" }, 60_000))).toMatchObject({ cameraMake: "FUJIFILM", cameraModel: "X-T5" });
  });
  it("reads values of up to 4 bytes stored inside the entry", () => {
    expect(readExifFields(exifBlock({ make: "LG", model: "G8" }, 10))).toMatchObject({ cameraMake: "LG", cameraModel: "G8" });
  });
  it("is bounded on a hostile block", () => {
    const started = performance.now();
    expect(readExifFields(hostileExifBlock())).toEqual({ takenAt: null, cameraMake: null, cameraModel: null });
    expect(performance.now() - started).toBeLessThan(100);
  });
  it("returns nulls for junk, truncation and absence", () => {
    const none = { takenAt: null, cameraMake: null, cameraModel: null };
    expect(readExifFields(undefined)).toEqual(none);
    expect(readExifFields(Buffer.from("Exif\0\0garbage-garbage-garbage"))).toEqual(none);
    expect(readExifFields(exifBlock({ make: "Canon", model: "EOS" }, 100).subarray(0, 20))).toEqual(none);
  });
});
