import type { VideoView } from "@photoreel/contracts";
import { useEffect, useMemo, useRef, useState } from "react";
import { ConfirmDialog, ErrorAlert, PageHead, ProgressBar, Spinner, StatusBadge } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { formatBytes, formatDateTime, formatDuration, formatEta, formatPercent } from "../lib/format";
import { Link } from "../lib/router";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";

const ACTIVE = new Set(["QUEUED", "RENDERING"]);

export default function Videos() {
  const list = trpc.videos.list.useInfiniteQuery(
    { limit: 20 },
    {
      getNextPageParam: (p) => p.nextCursor ?? undefined,
      // Poll only while something renders.
      refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((v) => ACTIVE.has(v.status))) ? 1500 : false),
    },
  );
  const videos = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  return (
    <>
      <PageHead title="Videos" lede="Everything you have made. Videos render in the background; you can leave this page.">
        <Link to="/compose" className="button primary">
          New video
        </Link>
      </PageHead>
      {list.isPending && <Spinner label="Loading videos…" />}
      {list.isError && <ErrorAlert message={errorMessage(list.error)} />}
      {list.isSuccess && videos.length === 0 && (
        <div className="card empty">
          <p>No videos yet.</p>
          <Link to="/compose" className="button primary">
            Compose your first video
          </Link>
        </div>
      )}
      <ul className="video-list" data-testid="video-list">
        {videos.map((v) => (
          <VideoCard key={v.id} v={v} />
        ))}
      </ul>
      {list.hasNextPage && (
        <div className="row" style={{ justifyContent: "center", marginTop: 16 }}>
          <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </>
  );
}

function VideoCard({ v }: { v: VideoView }) {
  const utils = trpc.useUtils();
  const invalidate = () => void utils.videos.list.invalidate();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [sharing, setSharing] = useState(false);
  const cancel = trpc.videos.cancel.useMutation({ onSuccess: invalidate });
  const retry = trpc.videos.retry.useMutation({ onSuccess: invalidate });
  const del = trpc.videos.delete.useMutation({ onSuccess: () => (setConfirmDelete(false), invalidate()) });
  const title = v.title || "Untitled video";
  const actionError = cancel.error ?? retry.error;
  const active = ACTIVE.has(v.status);
  // Video links last an hour; keep one per video for 50 minutes so polling never restarts playback.
  const videoUrl = stableUrl(`v:${v.id}`, v.videoUrl, 50 * 60_000);
  const posterUrl = stableUrl(`p:${v.id}`, v.posterUrl, 50 * 60_000);
  const downloadUrl = stableUrl(`d:${v.id}`, v.downloadUrl, 50 * 60_000);

  return (
    <li className="card video" data-testid="video-card" data-status={v.status} data-video-id={v.id}>
      {v.status === "READY" && videoUrl ? (
        <video controls preload="metadata" src={videoUrl} poster={posterUrl ?? undefined} aria-label={`Play ${title}`} />
      ) : (
        <div className="poster" aria-hidden="true">
          {posterUrl ? <img src={posterUrl} alt="" /> : active ? <span className="spinner" /> : <span>No preview</span>}
        </div>
      )}
      <div className="video-head">
        <h2>{title}</h2>
        <StatusBadge status={v.status} />
      </div>
      {active && (
        <div aria-live="polite">
          <ProgressBar value={v.progress} label={`Rendering ${title}`} />
          <p className="muted small" style={{ margin: "6px 0 0" }}>
            {v.status === "QUEUED" ? "Waiting for a renderer…" : `Rendering ${formatPercent(v.progress)}`}
            {formatEta(v.etaSeconds) ? ` · ${formatEta(v.etaSeconds)}` : ""}
          </p>
        </div>
      )}
      {v.status === "FAILED" && <ErrorAlert message={v.error ?? "The render failed. Retry it, or change the video and create it again."} />}
      <div className="meta">
        <span>{v.photoCount} photos</span>
        {v.durationSeconds !== null && <span>{formatDuration(v.durationSeconds)}</span>}
        {v.width && v.height && (
          <span>
            {v.width}×{v.height}
          </span>
        )}
        {v.bytes !== null && <span>{formatBytes(v.bytes)}</span>}
        <span>{formatDateTime(v.createdAt)}</span>
      </div>
      <ErrorAlert message={actionError ? errorMessage(actionError) : null} />
      <div className="row">
        {v.status === "READY" && downloadUrl && (
          <a className="button primary" href={downloadUrl} download>
            Download
          </a>
        )}
        {v.status === "READY" && (
          <button type="button" onClick={() => setSharing((s) => !s)} aria-expanded={sharing}>
            Share
          </button>
        )}
        {active && (
          <button type="button" onClick={() => cancel.mutate({ id: v.id })} disabled={cancel.isPending}>
            Cancel
          </button>
        )}
        {(v.status === "FAILED" || v.status === "CANCELED") && (
          <button type="button" onClick={() => retry.mutate({ id: v.id })} disabled={retry.isPending}>
            Retry
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
      </div>
      {sharing && <SharePanel id={v.id} />}
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this video?"
        body={<p>“{title}” and its download and share links stop working. Your photos are not affected.</p>}
        confirmLabel="Delete video"
        busy={del.isPending}
        error={del.error ? errorMessage(del.error) : null}
        onCancel={() => (setConfirmDelete(false), del.reset())}
        onConfirm={() => del.mutate({ id: v.id })}
      />
    </li>
  );
}

function SharePanel({ id }: { id: string }) {
  const [hours, setHours] = useState(24);
  const [copied, setCopied] = useState(false);
  const share = trpc.videos.share.useMutation();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setCopied(false), [share.data]);
  const copy = async () => {
    if (!share.data) return;
    try {
      await navigator.clipboard.writeText(share.data.url);
    } catch {
      // Clipboard API refused (insecure context): select the text so Ctrl+C works.
      input.current?.select();
      document.execCommand?.("copy");
    }
    setCopied(true);
  };
  return (
    <div className="share">
      <div className="row">
        <label htmlFor={`share-${id}`} style={{ margin: 0 }}>
          Link valid for
        </label>
        <select id={`share-${id}`} value={hours} onChange={(e) => setHours(Number(e.target.value))} style={{ width: "auto" }}>
          <option value={1}>1 hour</option>
          <option value={24}>1 day</option>
          <option value={72}>3 days</option>
          <option value={168}>7 days</option>
        </select>
        <button type="button" onClick={() => share.mutate({ id, expiresInHours: hours })} disabled={share.isPending}>
          {share.data ? "New link" : "Create link"}
        </button>
      </div>
      <ErrorAlert message={share.error ? errorMessage(share.error) : null} />
      {share.data && (
        <>
          <div className="row" style={{ flexWrap: "nowrap" }}>
            <label htmlFor={`share-url-${id}`} className="visually-hidden">
              Share link
            </label>
            <input ref={input} id={`share-url-${id}`} type="url" readOnly value={share.data.url} onFocus={(e) => e.target.select()} data-testid="share-url" />
            <button type="button" className="primary" onClick={() => void copy()}>
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
          <p className="muted small" style={{ margin: 0 }} role="status">
            Anyone with this link can watch and download the video until {formatDateTime(share.data.expiresAt)}.
          </p>
        </>
      )}
    </div>
  );
}
