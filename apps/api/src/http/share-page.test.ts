import { describe, expect, it } from "vitest";
import { parseRange } from "./share-page";

describe("parseRange (what a video element asks for when it seeks)", () => {
  it("reads one range, open-ended and suffix ranges, clamped to the object", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=500-", 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange("bytes=900-5000", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-5000", 1000)).toEqual({ start: 0, end: 999 });
  });

  it("answers the whole object for no range, several ranges or another unit", () => {
    for (const h of [undefined, "", "bytes=0-1,5-9", "items=0-5", "bytes=-", "bytes=a-b"]) expect(parseRange(h, 1000)).toBeNull();
  });

  it("refuses ranges past the end or backwards (416)", () => {
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=50-10", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 1000)).toBe("unsatisfiable");
  });
});
