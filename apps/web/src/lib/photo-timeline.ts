import justifiedLayout from "justified-layout";

/** What the timeline needs of a photo. */
export interface TimelinePhoto {
  id: string;
  width: number | null;
  height: number | null;
  takenAt: string | null;
  createdAt: string;
}

export interface DayGroup<T> {
  /** Local calendar day, "YYYY-MM-DD". */
  day: string;
  items: T[];
}

/** The date a photo is filed under: when it was taken, or when it was uploaded if the camera did not say. */
export const photoDate = (p: Pick<TimelinePhoto, "takenAt" | "createdAt">) => new Date(p.takenAt ?? p.createdAt);

export function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The local midnight that starts a "YYYY-MM-DD" day (null when it is not a date). */
export function dayStart(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return localDay(d) === day ? d : null;
}

/** The local midnight after that day (an exclusive end). */
export function dayEnd(day: string): Date | null {
  const d = dayStart(day);
  return d ? new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1) : null;
}

/**
 * Consecutive photos of the same local day, in the order given (the server sorts by the same date, newest first,
 * so each day is one run).
 */
export function groupByDay<T extends Pick<TimelinePhoto, "takenAt" | "createdAt">>(items: readonly T[]): DayGroup<T>[] {
  const groups: DayGroup<T>[] = [];
  for (const item of items) {
    const day = localDay(photoDate(item));
    const last = groups.at(-1);
    if (last?.day === day) last.items.push(item);
    else groups.push({ day, items: [item] });
  }
  return groups;
}

/** "Today", "Yesterday", "Sat, 1 Jun" this year, "Sat, 1 Jun 2024" before. */
export function dayHeading(day: string, now = new Date(), locale?: string): string {
  const d = dayStart(day);
  if (!d) return day;
  const today = localDay(now);
  const yesterday = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  if (day === today) return "Today";
  if (day === yesterday) return "Yesterday";
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleDateString(locale, { weekday: "short", day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }) });
}

/** Width over height; a photo whose size is not known yet (still processing) is laid out as 4:3. */
export function aspectOf(p: Pick<TimelinePhoto, "width" | "height">): number {
  if (!p.width || !p.height) return 4 / 3;
  // Panoramas and slivers are clamped so one photo can neither fill a row with a 20-px strip nor be a 5-px column.
  return Math.min(4, Math.max(0.25, p.width / p.height));
}

export interface Tile {
  /** Index into the flat list of photos (all groups, in order). */
  index: number;
  left: number;
  width: number;
}

export type TimelineRow =
  | { kind: "header"; key: string; top: number; height: number; group: number }
  | { kind: "photos"; key: string; top: number; height: number; group: number; tiles: Tile[] };

export interface TimelineLayout {
  rows: TimelineRow[];
  height: number;
}

export interface LayoutOptions {
  width: number;
  targetRowHeight: number;
  /** Gap between photos, across and down. */
  spacing: number;
  headerHeight: number;
}

/**
 * Rows for a justified, edge-to-edge grid: every photo at its own aspect ratio, each row filled to the full width
 * (the last row of a day keeps the target height), a header row before each day. Rows are what the virtualiser
 * renders; a row's tiles index into the flat photo list, so ranges and day selection stay simple.
 *
 * Laying out is greedy from the start of each day, so appending photos (the next page) never moves a finished row.
 */
export function layoutTimeline(groups: readonly { day: string; aspects: readonly number[] }[], o: LayoutOptions): TimelineLayout {
  const rows: TimelineRow[] = [];
  let top = 0;
  let index = 0;
  groups.forEach((g, group) => {
    rows.push({ kind: "header", key: `h:${g.day}`, top: Math.round(top), height: o.headerHeight, group });
    top += o.headerHeight;
    const laid = justifiedLayout(g.aspects as number[], {
      containerWidth: o.width,
      containerPadding: 0,
      boxSpacing: o.spacing,
      targetRowHeight: o.targetRowHeight,
      targetRowHeightTolerance: 0.25,
      widowLayoutStyle: "left",
    });
    let current: Extract<TimelineRow, { kind: "photos" }> | null = null;
    let currentTop = Number.NaN;
    laid.boxes.forEach((b, i) => {
      if (!current || Math.abs(b.top - currentTop) > 0.5) {
        currentTop = b.top;
        const rowTop = Math.round(top + b.top);
        current = { kind: "photos", key: `r:${g.day}:${i}`, top: rowTop, height: Math.round(top + b.top + b.height) - rowTop, group, tiles: [] };
        rows.push(current);
      }
      // Whole pixels, so neighbours meet without a blurred seam.
      const left = Math.round(b.left);
      current.tiles.push({ index: index + i, left, width: Math.round(b.left + b.width) - left });
    });
    top += Math.max(0, laid.containerHeight) + o.spacing;
    index += g.aspects.length;
  });
  return { rows, height: Math.round(top) };
}
