import type { VideoView } from "@photoreel/contracts";
import { useState } from "react";
import { ListMore, ListStatus } from "../components/list";
import { ConfirmDialog, ErrorAlert, PageHead, StatusBadge } from "../components/ui";
import { pageByCursor, useInfiniteList } from "../hooks/use-infinite-list";
import { errorMessage } from "../lib/errors";
import { formatBytes, formatDateTime, formatDuration } from "../lib/format";
import { Link } from "../lib/router";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";
import { ComposeActions } from "./videos-compose-actions";
import { ACTIVE, VideoMedia } from "./videos-media";
import { ShareLinks } from "./videos-share";
import "../styles/videos.css";

export default function Videos() {
  const query = trpc.videos.list.useInfiniteQuery(
    { limit: 20 },
    {
      ...pageByCursor,
      // Poll only while something renders.
      refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((v) => ACTIVE.has(v.status))) ? 1500 : false),
    },
  );
  const list = useInfiniteList(query);
  const videos = list.items;
  return (
    <>
      <PageHead title="Videos" lede="Everything you have made. Videos render in the background; you can leave this page.">
        <Link to="/compose" className="button primary">
          New video
        </Link>
      </PageHead>
      <ListStatus
        list={list}
        loading="Loading videos…"
        empty={
          <div className="card empty">
            <p>No videos yet.</p>
            <Link to="/compose" className="button primary">
              Compose your first video
            </Link>
          </div>
        }
      />
      <ul className="video-list" data-testid="video-list">
        {videos.map((v) => (
          <VideoCard key={v.id} v={v} />
        ))}
      </ul>
      <ListMore list={list} />
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
  const downloadUrl = stableUrl(`d:${v.id}`, v.downloadUrl, 50 * 60_000);

  return (
    <li className="card video" data-testid="video-card" data-status={v.status} data-video-id={v.id}>
      <VideoMedia v={v} title={title} size="card" />
      <div className="video-head">
        <h2>
          <Link to={`/videos/${v.id}`}>{title}</Link>
        </h2>
        <StatusBadge status={v.status} />
      </div>
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
        <ComposeActions v={v} title={title} />
        <span className="spacer" />
        <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
      </div>
      {sharing && <ShareLinks id={v.id} title={title} heading={false} />}
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
