import type { VideoView } from "@photoreel/contracts";
import { useState } from "react";
import { ProgressBar } from "../components/ui";
import { formatEta, formatPercent } from "../lib/format";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";

export const ACTIVE = new Set(["QUEUED", "RENDERING"]);

const PENDING_TEXT: Record<string, string> = { FAILED: "Render failed", CANCELED: "Canceled" };

/**
 * A video's picture: the player once it is ready, else its first photo as a poster with the render's progress over
 * it. `card`: a uniform 16:9 box (cards line up whatever the video's shape); `large`: the box takes the video's shape.
 */
export function VideoMedia({ v, title, size }: { v: VideoView; title: string; size: "card" | "large" }) {
  // A video that does not load has most likely outlived its link (a page left open for over an hour): the video is
  // fetched again, once, for a freshly signed one.
  const [failed, setFailed] = useState(false);
  const again = trpc.videos.get.useQuery({ id: v.id }, { enabled: failed, retry: false, staleTime: 0 });
  const fresh = failed ? again.data?.videoUrl : undefined;
  // Links last an hour; keep one per video for 50 minutes so polling never restarts playback or reloads the poster.
  const videoUrl = fresh ?? stableUrl(`v:${v.id}`, v.videoUrl, 50 * 60_000);
  const posterUrl = stableUrl(`p:${v.id}`, v.posterUrl, 50 * 60_000);
  const coverUrl = stableUrl(`c:${v.id}`, v.coverUrl, 50 * 60_000);
  const [coverFailed, setCoverFailed] = useState(false);
  const shape = size === "card" ? "16:9" : v.aspect;
  if (v.status === "READY" && videoUrl) {
    return (
      <div className="media" data-aspect={shape} data-size={size}>
        <video
          key={fresh ? "again" : "first"}
          controls
          playsInline
          preload="metadata"
          src={videoUrl}
          poster={posterUrl ?? undefined}
          aria-label={`Play ${title}`}
          onError={() => setFailed(true)}
          data-testid="player"
        />
      </div>
    );
  }
  const active = ACTIVE.has(v.status);
  return (
    <div className="media pending" data-aspect={shape} data-size={size}>
      {coverUrl && !coverFailed && <img src={coverUrl} alt="" onError={() => setCoverFailed(true)} data-testid="cover" />}
      <div className="media-overlay">
        {active ? (
          <>
            <span className="media-status">
              {v.status === "QUEUED" ? "Waiting for a renderer…" : `Rendering ${formatPercent(v.progress)}`}
              {formatEta(v.etaSeconds) ? ` · ${formatEta(v.etaSeconds)}` : ""}
            </span>
            <ProgressBar value={v.progress} label={`Rendering ${title}`} />
          </>
        ) : (
          <span className="media-status">{PENDING_TEXT[v.status] ?? v.status.toLowerCase()}</span>
        )}
      </div>
    </div>
  );
}
