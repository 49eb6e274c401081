import type { PhotoView } from "@photoreel/contracts";
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { ConfirmDialog, ErrorAlert, PageHead, ProgressBar, Spinner, StatusBadge } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { formatBytes, formatDateTime } from "../lib/format";
import { navigate } from "../lib/router";
import { trpc } from "../lib/trpc";
import { stableUrl } from "../lib/stable-url";
import { uploads } from "../lib/uploader";
import { UploadPanel } from "./upload-panel";

const PAGE = 30;

export default function Library() {
  const utils = trpc.useUtils();
  const [sort, setSort] = useState<"uploaded" | "taken">("uploaded");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  /** Photos waiting for the delete confirmation: the selection, or one card's own Delete. */
  const [toDelete, setToDelete] = useState<string[] | null>(null);
  const queue = useSyncExternalStore(uploads.subscribe, uploads.snapshot);
  const uploading = queue.some((i) => ["uploading", "finishing", "processing", "queued"].includes(i.status));

  useEffect(() => {
    uploads.onPhotoChange = () => {
      void utils.photos.list.invalidate();
      void utils.photos.usage.invalidate();
    };
    return () => void (uploads.onPhotoChange = () => {});
  }, [utils]);

  const list = trpc.photos.list.useInfiniteQuery(
    { sort, limit: PAGE },
    {
      getNextPageParam: (p) => p.nextCursor ?? undefined,
      // Poll only while something is on its way to "ready".
      refetchInterval: (q) => (uploading || q.state.data?.pages.some((p) => p.items.some((i) => i.status === "processing")) ? 2000 : false),
    },
  );
  const usage = trpc.photos.usage.useQuery(undefined, { refetchInterval: uploading ? 4000 : false });
  const photos = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  useEffect(() => {
    for (const p of photos) uploads.photoUpdated(p);
  }, [photos]);

  const del = trpc.photos.delete.useMutation({
    onSuccess: () => {
      setSelected((s) => new Set([...s].filter((id) => !toDelete?.includes(id))));
      setToDelete(null);
      void utils.photos.list.invalidate();
      void utils.photos.usage.invalidate();
    },
  });

  // Infinite scroll: load the next page when the sentinel nears the viewport.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    }, { rootMargin: "400px" });
    io.observe(el);
    return () => io.disconnect();
  }, [list]);

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const selectedReady = photos.filter((p) => selected.has(p.id) && p.status === "ready").map((p) => p.id);

  return (
    <>
      <PageHead title="Library" lede="Your photos. Select some to make a video, or edit their captions.">
        {usage.data && (
          <div className="usage small" aria-label="Storage used">
            <div className="muted">
              {usage.data.count} of {usage.data.quotaPhotos.toLocaleString("en")} photos · {formatBytes(usage.data.bytes)} of {formatBytes(usage.data.quotaBytes)}
            </div>
            <ProgressBar value={Math.max((usage.data.bytes / usage.data.quotaBytes) * 100, (usage.data.count / usage.data.quotaPhotos) * 100)} label="Storage used" />
          </div>
        )}
      </PageHead>

      <UploadPanel />

      <section className="card" aria-labelledby="photos-title">
        <div className="row" style={{ marginBottom: 12 }}>
          <h2 id="photos-title" style={{ margin: 0 }}>
            Photos
          </h2>
          <span className="spacer" />
          <label htmlFor="sort" className="small muted" style={{ margin: 0 }}>
            Sort by
          </label>
          <select id="sort" value={sort} onChange={(e) => setSort(e.target.value as "uploaded" | "taken")} style={{ width: "auto" }}>
            <option value="uploaded">Date uploaded</option>
            <option value="taken">Date taken</option>
          </select>
        </div>

        {selected.size > 0 && (
          <div className="toolbar" role="region" aria-label="Selection">
            <strong>{selected.size} selected</strong>
            <button type="button" className="primary" disabled={!selectedReady.length} onClick={() => navigate(`/compose?photos=${selectedReady.join(",")}`)}>
              Make a video
            </button>
            <button type="button" className="danger" onClick={() => setToDelete([...selected])}>
              Delete…
            </button>
            <button type="button" className="ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
            <button type="button" className="ghost" onClick={() => setSelected(new Set(photos.map((p) => p.id)))}>
              Select all loaded
            </button>
          </div>
        )}

        {list.isPending && <Spinner label="Loading photos…" />}
        {list.isError && <ErrorAlert message={errorMessage(list.error)} />}
        {list.isSuccess && photos.length === 0 && <p className="empty">No photos yet. Upload some to get started.</p>}

        <ul className="photo-grid" data-testid="photo-grid">
          {photos.map((p) => (
            <PhotoCard key={p.id} p={p} selected={selected.has(p.id)} onToggle={() => toggle(p.id)} onDelete={() => setToDelete([p.id])} />
          ))}
        </ul>
        <div ref={sentinel} className="sentinel" />
        {list.hasNextPage && (
          <div className="row" style={{ justifyContent: "center", marginTop: 12 }}>
            <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          </div>
        )}
      </section>

      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete ${toDelete?.length ?? 0} photo${toDelete?.length === 1 ? "" : "s"}?`}
        body={<p>They are removed from your library for good. Videos you already made keep them.</p>}
        confirmLabel="Delete"
        busy={del.isPending}
        error={del.error ? errorMessage(del.error) : null}
        onCancel={() => (setToDelete(null), del.reset())}
        onConfirm={() => toDelete && del.mutate({ ids: toDelete })}
      />
    </>
  );
}

function PhotoCard({ p, selected, onToggle, onDelete }: { p: PhotoView; selected: boolean; onToggle: () => void; onDelete: () => void }) {
  const utils = trpc.useUtils();
  const [editing, setEditing] = useState(false);
  const [caption, setCaption] = useState(p.caption ?? "");
  const save = trpc.photos.updateCaption.useMutation({
    onSuccess: () => {
      setEditing(false);
      void utils.photos.list.invalidate();
    },
  });
  const name = p.caption || p.filename;
  const captionError = save.error ? (save.error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors?.caption?.[0] ?? errorMessage(save.error) : null;
  return (
    <li className={`photo${selected ? " selected" : ""}`} data-testid="photo-card" data-status={p.status} data-filename={p.filename}>
      <label className="photo-select">
        <input type="checkbox" checked={selected} onChange={onToggle} aria-label={`Select ${name}`} />
      </label>
      <div className="thumb">
        {p.thumbnailUrl ? (
          <img src={stableUrl(`t:${p.id}`, p.thumbnailUrl) ?? undefined} alt={p.caption ?? p.filename} loading="lazy" width={320} height={240} />
        ) : p.status === "rejected" ? (
          <span style={{ padding: 8 }}>Not usable</span>
        ) : (
          <Spinner label={p.status === "uploading" ? "Uploading…" : "Processing…"} />
        )}
      </div>
      <div className="photo-body">
        <div className="row" style={{ gap: 6 }}>
          <span className="photo-title" title={p.filename}>
            {p.filename}
          </span>
          {p.status !== "ready" && <StatusBadge status={p.status} />}
        </div>
        {p.status === "rejected" && p.rejectReason && <div className="small upload-msg-error">{p.rejectReason}</div>}
        <div className="muted small">{p.takenAt ? `Taken ${formatDateTime(p.takenAt)}` : `Uploaded ${formatDateTime(p.createdAt)}`}</div>
        {editing ? (
          <form className="caption-form" onSubmit={(e) => (e.preventDefault(), save.mutate({ id: p.id, caption: caption.trim() || null }))}>
            <label className="visually-hidden" htmlFor={`cap-${p.id}`}>
              Caption for {p.filename}
            </label>
            <input id={`cap-${p.id}`} type="text" value={caption} maxLength={500} onChange={(e) => setCaption(e.target.value)} autoFocus aria-invalid={Boolean(captionError)} />
            {captionError && <div className="field-error">{captionError}</div>}
            <div className="photo-actions">
              <button type="submit" className="primary" disabled={save.isPending}>
                Save
              </button>
              <button type="button" onClick={() => (setEditing(false), setCaption(p.caption ?? ""), save.reset())}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <>
            {p.caption && <div className="small">{p.caption}</div>}
            <div className="photo-actions">
              {p.status !== "rejected" && (
                <button type="button" onClick={() => setEditing(true)} aria-label={`${p.caption ? "Edit caption" : "Add caption"} for ${p.filename}`}>
                  {p.caption ? "Edit caption" : "Add caption"}
                </button>
              )}
              <button type="button" className="danger" onClick={onDelete} aria-label={`Delete ${p.filename}`}>
                Delete
              </button>
            </div>
          </>
        )}
      </div>
    </li>
  );
}
