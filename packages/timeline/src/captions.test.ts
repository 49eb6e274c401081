import { describe, expect, it } from "vitest";
import { CAPTION_MAX_LINES, captionFontSize, captionLayout, drawableText, textEms, wrapText } from "./captions";
import { textColourOn } from "./title-card";
import { captureDateRange } from "./index";

const hd = { width: 1920, height: 1080 };

describe("captionLayout", () => {
  it("sizes the font from the frame height, and from the width on a tall frame", () => {
    expect(captionFontSize(hd)).toBe(49);
    expect(captionFontSize({ width: 1080, height: 1920 })).toBe(54);
    expect(captionFontSize({ width: 160, height: 90 })).toBe(10);
  });

  it("puts a short caption on one line in a band in the lower third, inside the frame", () => {
    const l = captionLayout("Lunch by the sea", hd)!;
    expect(l.lines).toEqual(["Lunch by the sea"]);
    expect(l.bandTop).toBeGreaterThan(hd.height * 2 / 3);
    expect(l.bandTop + l.bandHeight).toBeLessThan(hd.height);
    expect(l.lineTops[0]).toBeGreaterThan(l.bandTop);
    expect(l.lineTops[0]! + l.lineHeight).toBeLessThanOrEqual(l.bandTop + l.bandHeight);
  });

  it("wraps a long caption so no line is wider than the frame less its margins, in every aspect", () => {
    const text = "WWWW MMMM ".repeat(8) + "Supercalifragilisticexpialidociousandthensomemoreletters";
    for (const frame of [hd, { width: 1080, height: 1920 }, { width: 1080, height: 1080 }, { width: 160, height: 90 }]) {
      const l = captionLayout(text, frame)!;
      expect(l.lines.length).toBeLessThanOrEqual(CAPTION_MAX_LINES);
      for (const line of l.lines) expect(textEms(line) * l.fontSize).toBeLessThanOrEqual(l.maxLineWidth);
      expect(l.maxLineWidth).toBeLessThan(frame.width);
      expect(l.bandTop).toBeGreaterThanOrEqual(0);
    }
  });

  it("shrinks the font before cutting, and cuts an over-long caption with an ellipsis", () => {
    const medium = captionLayout("a few words that need a second line at full size ".repeat(2), hd)!;
    expect(medium.lines.length).toBeLessThanOrEqual(3);
    expect(medium.lines.at(-1)).not.toMatch(/…$/);
    const long = captionLayout("words ".repeat(200), hd)!;
    expect(long.lines).toHaveLength(3);
    expect(long.lines[2]).toMatch(/…$/);
    expect(long.fontSize).toBeLessThan(captionFontSize(hd));
  });

  it("splits one unbroken word between characters rather than letting it run off the frame", () => {
    expect(wrapText("abcdefghij", 3 * 0.66)).toEqual(["abc", "def", "ghi", "j"]);
  });

  it("keeps Arabic and Hebrew text (FFmpeg's drawtext shapes and orders it) and drops emoji the font cannot draw", () => {
    expect(drawableText("שלום עולם")).toBe("שלום עולם");
    expect(drawableText("مرحبا بالعالم")).toBe("مرحبا بالعالم");
    expect(drawableText("Party 🎉👨‍👩‍👧 time ❤️\nnext line")).toBe("Party time ❤ next line");
    expect(captionLayout("🎉🎉", hd)).toBeNull();
    expect(captionLayout("   ", hd)).toBeNull();
  });
});

describe("title card helpers", () => {
  it("turns capture dates into a range, ignoring photos without one", () => {
    expect(captureDateRange(["2026-03-09T10:00:00Z", null, "2026-03-03T08:00:00Z"])).toMatch(/^3\s*–\s*9 March 2026$/);
    expect(captureDateRange([new Date("2026-03-03T08:00:00Z")])).toBe("3 March 2026");
    expect(captureDateRange(["2025-12-28T00:00:00Z", "2026-01-02T00:00:00Z"])).toMatch(/28 December 2025\s*–\s*2 January 2026/);
    expect(captureDateRange([null, undefined])).toBeNull();
  });

  it("picks the text colour that reads on a background", () => {
    expect(textColourOn("#000000")).toBe("white");
    expect(textColourOn("#1e3a8a")).toBe("white");
    expect(textColourOn("#ffffff")).toBe("black");
    expect(textColourOn("#fde047")).toBe("black");
  });
});
