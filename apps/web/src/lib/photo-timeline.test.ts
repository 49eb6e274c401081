import { describe, expect, it } from "vitest";
import { aspectOf, dayEnd, dayHeading, dayStart, groupByDay, layoutTimeline, localDay, type TimelineRow } from "./photo-timeline";

// Local wall-clock times, so the tests mean the same in every time zone.
const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).toISOString();
const photo = (id: string, taken: string | null, created = at(2025, 1, 1)) => ({ id, width: 4000, height: 3000, takenAt: taken, createdAt: created });
const photosOf = (rows: TimelineRow[]) => rows.filter((r) => r.kind === "photos");

describe("groupByDay", () => {
  it("puts consecutive photos of one local day together, by capture date, else upload date", () => {
    const groups = groupByDay([
      photo("a", at(2024, 6, 2, 23)),
      photo("b", at(2024, 6, 2, 0)),
      photo("c", null, at(2024, 6, 1, 8)),
      photo("d", at(2024, 6, 1, 7)),
      photo("e", at(2023, 12, 31, 22)),
    ]);
    expect(groups.map((g) => [g.day, g.items.map((p) => p.id).join("")])).toEqual([
      ["2024-06-02", "ab"],
      ["2024-06-01", "cd"],
      ["2023-12-31", "e"],
    ]);
    expect(groupByDay([])).toEqual([]);
  });
});

describe("days", () => {
  it("turns a YYYY-MM-DD day into its local midnight and the next one, and refuses what is not a day", () => {
    expect(localDay(dayStart("2024-02-29")!)).toBe("2024-02-29");
    expect(dayStart("2024-02-29")!.getHours()).toBe(0);
    expect(localDay(dayEnd("2024-02-29")!)).toBe("2024-03-01");
    expect(dayStart("2023-02-29")).toBeNull();
    expect(dayStart("yesterday")).toBeNull();
  });

  it("heads a day as people say it", () => {
    const now = new Date(2025, 5, 15, 10);
    expect(dayHeading("2025-06-15", now, "en-GB")).toBe("Today");
    expect(dayHeading("2025-06-14", now, "en-GB")).toBe("Yesterday");
    expect(dayHeading("2025-06-01", now, "en-GB")).toMatch(/^Sun,? 1 Jun$/);
    expect(dayHeading("2024-06-01", now, "en-GB")).toMatch(/^Sat,? 1 Jun 2024$/);
  });
});

describe("aspectOf", () => {
  it("uses the photo's own shape, 4:3 while unknown, and clamps extremes", () => {
    expect(aspectOf({ width: 3000, height: 4000 })).toBe(0.75);
    expect(aspectOf({ width: null, height: null })).toBeCloseTo(4 / 3);
    expect(aspectOf({ width: 20000, height: 1000 })).toBe(4);
    expect(aspectOf({ width: 100, height: 5000 })).toBe(0.25);
  });
});

describe("layoutTimeline", () => {
  const opts = { width: 1000, targetRowHeight: 200, spacing: 4, headerHeight: 48 };

  it("fills each row edge to edge, keeps every photo's aspect, and starts each day with a header", () => {
    const aspects = [1.5, 0.75, 4 / 3, 1, 1.5, 0.66, 2, 1.5, 1.5, 0.75, 1.5];
    const { rows, height } = layoutTimeline([{ day: "2024-06-02", aspects }, { day: "2024-06-01", aspects: [0.75, 0.75] }], opts);
    expect(rows[0]).toMatchObject({ kind: "header", top: 0, height: 48, group: 0 });
    const day1 = photosOf(rows).filter((r) => r.group === 0);
    // Every full row spans the width exactly (whole pixels, 4-px gaps); only the day's last row may be short.
    for (const r of day1.slice(0, -1)) {
      const last = r.tiles.at(-1)!;
      expect(r.tiles[0]!.left).toBe(0);
      expect(last.left + last.width).toBe(1000);
      for (let i = 1; i < r.tiles.length; i++) expect(r.tiles[i]!.left - (r.tiles[i - 1]!.left + r.tiles[i - 1]!.width)).toBe(4);
      // Near the target (justified-layout strays past its 25 % tolerance only when no mix of photos fits).
      expect(r.height).toBeGreaterThanOrEqual(130);
      expect(r.height).toBeLessThanOrEqual(300);
    }
    // Aspect kept within a pixel of rounding.
    for (const r of day1) for (const t of r.tiles) expect(Math.abs(t.width / r.height - aspects[t.index]!)).toBeLessThan(0.02);
    // Every photo appears once, in order.
    expect(photosOf(rows).flatMap((r) => r.tiles.map((t) => t.index))).toEqual(Array.from({ length: 13 }, (_, i) => i));
    // A portrait gets a tall tile, not a landscape crop (the bug this replaces: 279-px photos in 157-px tiles).
    const portrait = day1.flatMap((r) => r.tiles.map((t) => ({ t, r }))).find(({ t }) => t.index === 1)!;
    expect(portrait.r.height / portrait.t.width).toBeCloseTo(4 / 3, 1);
    // Rows follow each other without overlap; the second day's header sits below the first day.
    const header2 = rows.find((r) => r.kind === "header" && r.group === 1)!;
    expect(header2.top).toBeGreaterThanOrEqual(day1.at(-1)!.top + day1.at(-1)!.height);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.top).toBeGreaterThanOrEqual(rows[i - 1]!.top + rows[i - 1]!.height);
    expect(height).toBeGreaterThanOrEqual(rows.at(-1)!.top + rows.at(-1)!.height);
  });

  it("never moves a finished row when the next page adds photos to the last day", () => {
    const first = Array.from({ length: 30 }, (_, i) => [1.5, 0.75, 1][i % 3]!);
    const more = [...first, ...Array.from({ length: 30 }, () => 1.5)];
    const a = photosOf(layoutTimeline([{ day: "d", aspects: first }], opts).rows);
    const b = photosOf(layoutTimeline([{ day: "d", aspects: more }], opts).rows);
    expect(b.slice(0, a.length - 1)).toEqual(a.slice(0, -1));
  });

  it("keeps a row short and tall on a phone, and lays out nothing for no photos", () => {
    const phone = layoutTimeline([{ day: "d", aspects: [1.5, 1.5, 1.5, 1.5] }], { width: 390, targetRowHeight: 120, spacing: 2, headerHeight: 40 });
    expect(photosOf(phone.rows).every((r) => r.tiles.length <= 3)).toBe(true);
    expect(layoutTimeline([], opts)).toEqual({ rows: [], height: 0 });
  });
});
