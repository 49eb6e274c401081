import { PHOTO_FORMAT_NAMES, type PhotoView } from "@photoreel/contracts";
import { keepPreviousData } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { ListMore, ListStatus } from "../components/list";
import { ConfirmDialog, ErrorAlert, PageHead } from "../components/ui";
import { pageByCursor, useInfiniteList } from "../hooks/use-infinite-list";
import { errorMessage } from "../lib/errors";
import { formatBytes } from "../lib/format";
import { emptySelection, selectRange, toggleAll, toggleOne, type Selection } from "../lib/photo-selection";
import { dayEnd, dayStart, groupByDay } from "../lib/photo-timeline";
import { navigate, usePathname } from "../lib/router";
import { trpc } from "../lib/trpc";
import { chunk } from "../lib/upload-plan";
import { uploads } from "../lib/uploader";
import { MAX_SLIDES } from "../lib/video-draft";
import { LibraryGrid } from "./library-grid";
import { LibrarySearch, readFilters, writeFilters, type Filters } from "./library-search";
import { Icon, PhotoViewer } from "./library-viewer";
import { PhotoInput, UploadTray, usePageDrop } from "./upload-tray";
import "../styles/library.css";

/** Stable (module level), so the hook's memo holds; a photo a later page repeats is shown once. */
const photoKey = (p: PhotoView) => p.id;

const PAGE = 100;
/** What the grid shows: photos on their way (a placeholder at 4:3) and ready ones; rejected files live in the tray. */
const GRID_STATUSES: ("processing" | "ready")[] = ["processing", "ready"];
const VIEWER = /^\/library\/photos\/([0-9a-f-]{36})$/;
/** The delete procedure takes this many ids per call. */
const DELETE_BATCH = 500;

export default function Library() {
  const utils = trpc.useUtils();
  const path = usePathname();
  const viewing = VIEWER.exec(path)?.[1] ?? null;
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [pendingDay, setPendingDay] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<string[] | null>(null);
  const [reveal, setReveal] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const dropping = usePageDrop();
  const uploading = useSyncExternalStore(uploads.subscribe, () => uploads.snapshot().some((i) => i.status !== "rejected" && i.status !== "failed" && i.status !== "canceled"));

  const range = filters.from && filters.to && filters.from > filters.to ? null : filters;
  const listInput = useMemo(
    () => ({
      sort: "taken" as const,
      limit: PAGE,
      status: GRID_STATUSES,
      ...(range?.q ? { q: range.q } : {}),
      ...(range?.from ? { from: dayStart(range.from)?.toISOString() } : {}),
      ...(range?.to ? { to: dayEnd(range.to)?.toISOString() } : {}),
    }),
    [range?.q, range?.from, range?.to],
  );
  const query = trpc.photos.list.useInfiniteQuery(listInput, {
    ...pageByCursor,
    // Every loaded page is fetched again on a refetch, so refetch only when thumbnails' links are about to expire
    // (15 min), not on every focus; a search keeps showing the previous results until the new ones are in.
    staleTime: 10 * 60_000,
    placeholderData: keepPreviousData,
  });
  const usage = trpc.photos.usage.useQuery();
  const list = useInfiniteList(query, photoKey);
  const photos = list.items;
  const groups = useMemo(() => groupByDay(photos), [photos]);
  const order = useMemo(() => photos.map((p) => p.id), [photos]);

  // Uploads that change the library refresh it, at most every 2 s (a refetch re-reads every loaded page).
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    uploads.onPhotoChange = () => {
      timer ??= setTimeout(() => {
        timer = null;
        void utils.photos.list.invalidate();
        void utils.photos.usage.invalidate();
      }, 2000);
    };
    return () => {
      if (timer) clearTimeout(timer);
      uploads.onPhotoChange = () => {};
    };
  }, [utils]);
  // Photos on their way to "ready" are placeholders until the thumbnailer is done. Watching just those (one small
  // query) and refreshing the list when one finishes costs far less than polling every loaded page.
  const waiting = useMemo(() => photos.filter((p) => p.status === "processing").map((p) => p.id), [photos]);
  const stillProcessing = trpc.photos.list.useQuery({ status: "processing", limit: 100 }, { enabled: waiting.length > 0, refetchInterval: 3000 });
  useEffect(() => {
    const busy = stillProcessing.data && new Set(stillProcessing.data.items.map((p) => p.id));
    if (busy && !stillProcessing.data?.nextCursor && waiting.some((id) => !busy.has(id))) void utils.photos.list.invalidate(listInput);
  }, [stillProcessing.data, waiting, utils, listInput]);

  // Short messages ("Deleted 3 photos") fade after a few seconds.
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(""), 5000);
    return () => clearTimeout(t);
  }, [notice]);

  const { hasMore: hasNextPage, loadingMore: isFetchingNextPage, loadMore } = list;

  // A new search starts a new selection.
  useEffect(() => setSelection(emptySelection), [listInput]);

  // Select-all on the last loaded day: load on until that day is complete, then select it whole.
  useEffect(() => {
    if (!pendingDay) return;
    const last = groups.at(-1);
    if (last?.day === pendingDay && hasNextPage) {
      loadMore();
      return;
    }
    const day = groups.find((g) => g.day === pendingDay);
    if (day) setSelection((s) => toggleAll(s, day.items.map((p) => p.id)));
    setPendingDay(null);
  }, [pendingDay, groups, hasNextPage, loadMore]);

  const onSelect = useCallback((id: string, isRange: boolean) => setSelection((s) => (isRange ? selectRange(s, order, id) : toggleOne(s, id))), [order]);
  // A day that is wholly loaded is selected at once (the box changes under the click); the last loaded day waits
  // for its remaining pages through pendingDay.
  const onSelectDay = useCallback(
    (day: string) => {
      const group = groups.find((g) => g.day === day);
      if (group && !(groups.at(-1) === group && hasNextPage)) setSelection((s) => toggleAll(s, group.items.map((p) => p.id)));
      else setPendingDay(day);
    },
    [groups, hasNextPage],
  );
  const search = typeof location === "undefined" ? "" : location.search;
  const openPhoto = useCallback((id: string) => navigate(`/library/photos/${id}${location.search}`, { state: { viewer: true } }), []);
  const closeViewer = () => {
    setReveal(viewing);
    if ((history.state as { viewer?: boolean } | null)?.viewer) history.back();
    else navigate(`/library${search}`, { replace: true });
  };

  // Escape clears the selection (the viewer and dialogs handle their own Escape).
  useEffect(() => {
    if (!selection.ids.size || viewing) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !document.querySelector("dialog[open]") && setSelection(emptySelection);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [selection.ids.size, viewing]);

  /** Edits the cached pages in place: no refetch of every loaded page for one change. */
  const patchList = (fn: (items: PhotoView[]) => PhotoView[]) =>
    utils.photos.list.setInfiniteData(listInput, (d) => (d ? { ...d, pages: d.pages.map((pg) => ({ ...pg, items: fn(pg.items) })) } : d));
  const removeFromList = (ids: readonly string[]) => {
    const gone = new Set(ids);
    patchList((items) => items.filter((p) => !gone.has(p.id)));
    setSelection((s) => ({ ids: new Set([...s.ids].filter((id) => !gone.has(id))), anchor: s.anchor && gone.has(s.anchor) ? null : s.anchor }));
    void utils.photos.usage.invalidate();
  };

  const del = trpc.photos.delete.useMutation();
  const deleteSelected = async (ids: string[]) => {
    for (const batch of chunk(ids, DELETE_BATCH)) {
      await del.mutateAsync({ ids: batch });
      removeFromList(batch);
    }
    setToDelete(null);
    setNotice(`Deleted ${ids.length} photo${ids.length === 1 ? "" : "s"}.`);
  };

  const selected = photos.filter((p) => selection.ids.has(p.id));
  const readyIds = selected.filter((p) => p.status === "ready").map((p) => p.id);
  const makeVideo = () => {
    if (readyIds.length > MAX_SLIDES) return setNotice(`A video takes at most ${MAX_SLIDES} photos; you selected ${readyIds.length}. Select fewer.`);
    if (!readyIds.length) return setNotice("These photos are still being processed; try again in a moment.");
    navigate(`/compose?photos=${readyIds.join(",")}`);
  };

  const filtered = Boolean(range?.q || range?.from || range?.to);
  const empty = list.isSuccess && photos.length === 0;
  const choose = () => input.current?.click();

  return (
    <div className="library">
      <PageHead
        title="Library"
        lede={usage.data ? `${usage.data.count.toLocaleString()} photo${usage.data.count === 1 ? "" : "s"} · ${formatBytes(usage.data.bytes)} of ${formatBytes(usage.data.quotaBytes)}` : "Your photos, newest first."}
      >
        <button type="button" className="primary" onClick={choose}>
          <Icon d="M12 16V4m0 0l-5 5m5-5l5 5M4 20h16" /> Upload
        </button>
      </PageHead>
      <PhotoInput inputRef={input} />
      <LibrarySearch
        value={filters}
        onChange={(f) => {
          setFilters(f);
          writeFilters(f);
        }}
      />

      {selection.ids.size > 0 && (
        <div className="selection-bar" role="region" aria-label="Selection" data-testid="selection-bar">
          <button type="button" className="bar-btn" onClick={() => setSelection(emptySelection)} aria-label="Clear selection">
            <Icon d="M18 6L6 18M6 6l12 12" />
          </button>
          <strong className="bar-count" aria-live="polite">
            {selection.ids.size.toLocaleString()} selected
          </strong>
          <span className="spacer" />
          <button type="button" className="primary" onClick={makeVideo}>
            <Icon d="M4 6h12v12H4zM16 10l4-2v8l-4-2" />
            Make a video
          </button>
          <button type="button" className="danger" onClick={() => setToDelete([...selection.ids])}>
            <Icon d="M3 6h18M8 6V4h8v2m2 0v14H6V6" />
            Delete
          </button>
        </div>
      )}

      <div className="visually-hidden" role="status">
        {notice}
      </div>
      {notice && (
        <div className="library-notice" aria-hidden="true">
          {notice}
        </div>
      )}

      <ListStatus list={list} loading="Loading photos…" />
      {filters.from && filters.to && filters.from > filters.to && <ErrorAlert message="The start date is after the end date. Change one of them." />}
      {empty && !filtered && (
        <div className="library-empty">
          <h2>{uploading ? "Your photos appear here as they arrive" : "Your library is empty"}</h2>
          <p className="when-fine-pointer">Drag photos here, or choose them from your computer.</p>
          <button type="button" className="primary" onClick={choose}>
            <span className="when-fine-pointer">Choose photos</span>
            <span className="when-coarse-pointer">Tap to choose photos</span>
          </button>
          <p className="field-hint">{PHOTO_FORMAT_NAMES}. Large files upload in parts and can resume.</p>
        </div>
      )}
      {empty && filtered && (
        <p className="empty" data-testid="no-results">
          No photos match{range?.q ? ` “${range.q}”` : ""}
          {range?.from || range?.to ? ` ${describeRange(range.from, range.to)}` : ""}. Check the spelling, try fewer words or other dates, or clear the search.
        </p>
      )}

      {photos.length > 0 && (
        <LibraryGrid
          photos={photos}
          groups={groups}
          selection={selection}
          onOpen={openPhoto}
          onSelect={onSelect}
          onSelectDay={onSelectDay}
          onNearEnd={loadMore}
          loadingMore={isFetchingNextPage}
          reveal={viewing ? null : reveal}
          onRevealed={() => setReveal(null)}
        />
      )}
      {/* The grid loads on as it scrolls and shows its own progress; this is the keyboard way. */}
      <ListMore list={list} label="Load more photos" hideWhileLoading />

      {dropping && (
        <div className="drop-overlay" aria-hidden="true">
          Drop photos to upload them
        </div>
      )}
      <UploadTray />

      {viewing && (
        <PhotoViewer
          key="viewer"
          id={viewing}
          photos={photos}
          hasMore={Boolean(hasNextPage)}
          onNearEnd={loadMore}
          onClose={closeViewer}
          onShow={(id) => navigate(`/library/photos/${id}${location.search}`, { replace: true, state: history.state })}
          onDeleted={(id) => (removeFromList([id]), setNotice("Photo deleted."))}
          onSaved={(p) => patchList((items) => items.map((x) => (x.id === p.id ? p : x)))}
        />
      )}

      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete ${toDelete?.length ?? 0} photo${toDelete?.length === 1 ? "" : "s"}?`}
        body={<p>They are removed from your library for good. Videos you already made keep them.</p>}
        confirmLabel="Delete"
        busy={del.isPending}
        error={del.error ? errorMessage(del.error) : null}
        onCancel={() => (setToDelete(null), del.reset())}
        onConfirm={() => toDelete && void deleteSelected(toDelete).catch(() => {})}
      />
    </div>
  );
}

function describeRange(from: string | undefined, to: string | undefined): string {
  const f = (d: string) => dayStart(d)?.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" }) ?? d;
  if (from && to) return `between ${f(from)} and ${f(to)}`;
  return from ? `from ${f(from)} on` : `up to ${f(to!)}`;
}

