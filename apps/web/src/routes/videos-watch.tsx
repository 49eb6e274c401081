import type { VideoView } from "@photoreel/contracts";
import { useState } from "react";
import { ConfirmDialog, ErrorAlert, PageHead, Spinner, StatusBadge } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { formatBytes, formatDateTime, formatDuration } from "../lib/format";
import { Link, navigate } from "../lib/router";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";
import { ComposeActions } from "./videos-compose-actions";
import { ACTIVE, VideoMedia } from "./videos-media";
import { ShareLinks } from "./videos-share";
import "../styles/videos.css";

/** `/videos/:id`: one video, its player sized to the video's own shape, its details and everything one can do with it. */
export default function VideoWatch({ id }: { id: string }) {
  const video = trpc.videos.get.useQuery(
    { id },
    { refetchInterval: (q) => (q.state.data && ACTIVE.has(q.state.data.status) ? 1500 : false), retry: (n, e) => e.data?.code !== "NOT_FOUND" && e.data?.code !== "BAD_REQUEST" && n < 2 },
  );
  if (video.isPending) return <Spinner label="Loading the video…" />;
  if (video.isError) {
    // A malformed id in the address (BAD_REQUEST) is as missing as a deleted video.
    const missing = video.error.data?.code === "NOT_FOUND" || video.error.data?.code === "BAD_REQUEST";
    return (
      <>
        <PageHead title={missing ? "Video not found" : "This video could not be loaded"} />
        <div className="card empty">
          <p>{missing ? "It may have been deleted, or the link is incomplete." : errorMessage(video.error)}</p>
          <Link to="/videos" className="button primary">
            Back to your videos
          </Link>
        </div>
      </>
    );
  }
  return <Watch v={video.data} />;
}

function Watch({ v }: { v: VideoView }) {
  const utils = trpc.useUtils();
  const title = v.title || "Untitled video";
  const [confirmDelete, setConfirmDelete] = useState(false);
  const refresh = () => void utils.videos.get.invalidate({ id: v.id });
  const cancel = trpc.videos.cancel.useMutation({ onSuccess: refresh });
  const retry = trpc.videos.retry.useMutation({ onSuccess: refresh });
  const del = trpc.videos.delete.useMutation({
    onSuccess: () => {
      setConfirmDelete(false);
      void utils.videos.list.invalidate();
      navigate("/videos", { replace: true });
    },
  });
  const downloadUrl = stableUrl(`d:${v.id}`, v.downloadUrl, 50 * 60_000);
  const ready = v.status === "READY";
  const active = ACTIVE.has(v.status);
  const portrait = (v.width && v.height ? v.height > v.width : v.aspect === "9:16" || v.aspect === "4:5") || false;

  return (
    <article className={`watch${portrait ? " portrait" : ""}`} aria-labelledby="watch-title" data-testid="watch" data-status={v.status}>
      <p className="back">
        <Link to="/videos">← All videos</Link>
      </p>
      <div className="watch-layout">
        <VideoMedia v={v} title={title} size="large" />
        <div className="watch-info">
          <div className="video-head">
            <h1 id="watch-title" tabIndex={-1} data-page-title>
              {title}
            </h1>
            <StatusBadge status={v.status} />
          </div>
          {v.status === "FAILED" && <ErrorAlert message={v.error ?? "The render failed. Retry it, or edit the video and create it again."} />}
          <dl className="details">
            {v.durationSeconds !== null && (
              <div>
                <dt>Length</dt>
                <dd>{formatDuration(v.durationSeconds)}</dd>
              </div>
            )}
            <div>
              <dt>Frame</dt>
              <dd>{v.width && v.height ? `${v.width}×${v.height} (${v.aspect})` : v.aspect}</dd>
            </div>
            {v.bytes !== null && (
              <div>
                <dt>File size</dt>
                <dd>{formatBytes(v.bytes)}</dd>
              </div>
            )}
            <div>
              <dt>Photos</dt>
              <dd>{v.photoCount}</dd>
            </div>
            <div>
              <dt>Made</dt>
              <dd>{formatDateTime(v.createdAt)}</dd>
            </div>
          </dl>
          <ErrorAlert message={(cancel.error ?? retry.error) ? errorMessage(cancel.error ?? retry.error) : null} />
          <div className="row watch-actions">
            {ready && downloadUrl && (
              <a className="button primary" href={downloadUrl} download>
                Download
              </a>
            )}
            <ComposeActions v={v} title={title} />
            {active && (
              <button type="button" onClick={() => cancel.mutate({ id: v.id })} disabled={cancel.isPending}>
                Cancel render
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
          {ready && <ShareLinks id={v.id} title={title} />}
        </div>
      </div>
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
    </article>
  );
}
