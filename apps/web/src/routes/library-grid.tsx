import type { PhotoView } from "@photoreel/contracts";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent, type PointerEvent } from "react";
import { Spinner } from "../components/ui";
import { formatDateTime } from "../lib/format";
import { groupState, type Selection } from "../lib/photo-selection";
import { aspectOf, dayHeading, layoutTimeline, type DayGroup, type TimelineRow } from "../lib/photo-timeline";
import { stableUrl } from "../lib/stable-url";

/** Row sizes by container width: phones get short rows of 3-4 photos, desktops rows near Google Photos' height. */
function sizing(width: number) {
  if (width < 600) return { targetRowHeight: 118, spacing: 2, headerHeight: 44 };
  if (width < 1000) return { targetRowHeight: 170, spacing: 4, headerHeight: 52 };
  return { targetRowHeight: 210, spacing: 4, headerHeight: 56 };
}
const LONG_PRESS_MS = 450;

export interface GridProps {
  photos: readonly PhotoView[];
  groups: readonly DayGroup<PhotoView>[];
  selection: Selection;
  /** Open the viewer. */
  onOpen: (id: string) => void;
  /** A click on a photo's circle (or on the photo while selecting); `range` when shift was held. */
  onSelect: (id: string, range: boolean) => void;
  onSelectDay: (day: string) => void;
  /** Near the end of what is loaded: ask for the next page. */
  onNearEnd: () => void;
  loadingMore: boolean;
  /** Scroll this photo into view and focus it (after the viewer closes). */
  reveal: string | null;
  onRevealed: () => void;
}

/**
 * The justified, day-grouped grid, virtualised by row: only the rows near the viewport are in the DOM (a few hundred
 * nodes whatever the library size), thumbnails load lazily. The page itself scrolls (window virtualiser), so the
 * browser's own scrolling, keyboard paging and scrollbar stay as they are.
 */
export function LibraryGrid(p: GridProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [offset, setOffset] = useState(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => {
      setWidth(Math.floor(el.getBoundingClientRect().width));
      setOffset(el.getBoundingClientRect().top + window.scrollY);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    ro.observe(document.body);
    return () => ro.disconnect();
  }, []);

  const layout = useMemo(
    () => (width > 0 ? layoutTimeline(p.groups.map((g) => ({ day: g.day, aspects: g.items.map(aspectOf) })), { width, ...sizing(width) }) : { rows: [], height: 0 }),
    [p.groups, width],
  );
  const rows = layout.rows;
  // A new key function whenever the layout changes makes the virtualiser re-read every row's size.
  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  const v = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (i) => rows[i]?.height ?? 0,
    getItemKey,
    overscan: 3,
    scrollMargin: offset,
  });
  const items = v.getVirtualItems();

  const lastIndex = items.at(-1)?.index ?? -1;
  const { onNearEnd } = p;
  useEffect(() => {
    if (rows.length > 0 && lastIndex >= rows.length - 6) onNearEnd();
  }, [lastIndex, rows.length, onNearEnd]);

  // After the viewer: bring the photo into view and put focus on it.
  const { reveal, onRevealed } = p;
  useEffect(() => {
    if (!reveal) return;
    const index = p.photos.findIndex((x) => x.id === reveal);
    const row = index < 0 ? -1 : rows.findIndex((r) => r.kind === "photos" && r.tiles.some((t) => t.index === index));
    if (row < 0) return onRevealed();
    v.scrollToIndex(row, { align: "auto" });
    const t = setTimeout(() => {
      box.current?.querySelector<HTMLElement>(`[data-photo-id="${reveal}"] .tile-open`)?.focus({ preventScroll: true });
      onRevealed();
    }, 60);
    return () => clearTimeout(t);
  }, [reveal, onRevealed, p.photos, rows, v]);

  const selecting = p.selection.ids.size > 0;
  return (
    <div ref={box} className={`photo-grid${selecting ? " selecting" : ""}`} data-testid="photo-grid" style={{ height: layout.height }}>
      {items.map((item) => {
        const row = rows[item.index]!;
        const y = item.start - v.options.scrollMargin;
        return row.kind === "header" ? (
          <DayHead key={item.key} y={y} row={row} group={p.groups[row.group]!} selection={p.selection} onSelectDay={p.onSelectDay} />
        ) : (
          <PhotoRow key={item.key} y={y} row={row} photos={p.photos} selection={p.selection} selecting={selecting} onOpen={p.onOpen} onSelect={p.onSelect} />
        );
      })}
      {p.loadingMore && (
        <div className="grid-more" style={{ transform: `translateY(${layout.height}px)` }}>
          <Spinner label="Loading more photos…" />
        </div>
      )}
    </div>
  );
}

function DayHead({ y, row, group, selection, onSelectDay }: { y: number; row: TimelineRow; group: DayGroup<PhotoView>; selection: Selection; onSelectDay: (day: string) => void }) {
  const label = dayHeading(group.day);
  const state = groupState(
    selection,
    group.items.map((x) => x.id),
  );
  return (
    <div className={`day-head${state !== "none" ? " has-selected" : ""}`} style={{ transform: `translateY(${y}px)`, height: row.height }} data-testid="day-head" data-day={group.day}>
      <input
        type="checkbox"
        className="select-circle"
        checked={state === "all"}
        ref={(el) => void (el && (el.indeterminate = state === "some"))}
        onChange={() => onSelectDay(group.day)}
        aria-label={`Select all photos from ${label}`}
      />
      <h2 className="day-title">{label}</h2>
    </div>
  );
}

const PhotoRow = memo(function PhotoRow({ y, row, photos, selection, selecting, onOpen, onSelect }: {
  y: number;
  row: Extract<TimelineRow, { kind: "photos" }>;
  photos: readonly PhotoView[];
  selection: Selection;
  selecting: boolean;
  onOpen: (id: string) => void;
  onSelect: (id: string, range: boolean) => void;
}) {
  return (
    <div className="photo-row" style={{ transform: `translateY(${y}px)`, height: row.height }}>
      {row.tiles.map((t) => {
        const photo = photos[t.index];
        return photo ? <Tile key={photo.id} photo={photo} left={t.left} width={t.width} selected={selection.ids.has(photo.id)} selecting={selecting} onOpen={onOpen} onSelect={onSelect} /> : null;
      })}
    </div>
  );
});

function Tile({ photo, left, width, selected, selecting, onOpen, onSelect }: {
  photo: PhotoView;
  left: number;
  width: number;
  selected: boolean;
  selecting: boolean;
  onOpen: (id: string) => void;
  onSelect: (id: string, range: boolean) => void;
}) {
  const name = photo.caption || photo.filename;
  const when = formatDateTime(photo.takenAt ?? photo.createdAt);
  const thumb = stableUrl(`t:${photo.id}`, photo.thumbnailUrl);
  const press = useRef<{ timer: ReturnType<typeof setTimeout>; x: number; y: number; fired: boolean } | null>(null);

  // Touch: a long press selects (and a tap while selecting toggles), as in phone galleries.
  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType === "mouse") return;
    const state = { x: e.clientX, y: e.clientY, fired: false, timer: setTimeout(() => ((state.fired = true), onSelect(photo.id, false)), LONG_PRESS_MS) };
    press.current = state;
  };
  const cancelPress = (e?: PointerEvent) => {
    const s = press.current;
    if (!s) return;
    if (e && e.type === "pointermove" && Math.hypot(e.clientX - s.x, e.clientY - s.y) < 10) return;
    clearTimeout(s.timer);
    if (!s.fired) press.current = null;
  };
  const onClick = (e: MouseEvent) => {
    if (press.current?.fired) {
      press.current = null;
      return;
    }
    if (selecting || e.shiftKey) onSelect(photo.id, e.shiftKey);
    else onOpen(photo.id);
  };

  return (
    <div className={`tile${selected ? " selected" : ""}`} style={{ left, width }} data-testid="photo-tile" data-photo-id={photo.id} data-filename={photo.filename} data-status={photo.status} data-selected={selected}>
      <button
        type="button"
        className="tile-open"
        // A tile still processing shows "Processing…": its accessible name carries the same words (WCAG 2.5.3).
        aria-label={thumb ? `${name}, ${when}` : `${name}, ${when}, Processing…`}
        onClick={onClick}
        onPointerDown={onPointerDown}
        onPointerUp={() => cancelPress()}
        onPointerCancel={() => cancelPress()}
        onPointerMove={cancelPress}
        onContextMenu={(e) => press.current && e.preventDefault()}
      >
        {thumb ? (
          <img src={thumb} alt="" loading="lazy" decoding="async" draggable={false} />
        ) : (
          <span className="tile-pending">
            <span className="spinner" aria-hidden="true" /> Processing…
          </span>
        )}
      </button>
      <input
        type="checkbox"
        className="select-circle"
        checked={selected}
        onChange={(e) => onSelect(photo.id, (e.nativeEvent as globalThis.MouseEvent).shiftKey === true)}
        aria-label={`Select ${name}`}
      />
    </div>
  );
}
