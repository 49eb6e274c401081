import { ErrorAlert, ProgressBar, SectionHead, StatusBadge } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { formatEta, formatPercent } from "../lib/format";
import { trpc } from "../lib/trpc";

const ACTIVE = new Set(["QUEUED", "RENDERING"]);

/** Polls the preview render and plays it in place when it is ready. */
export function PreviewPanel({ id, onClose }: { id: string | null; onClose: () => void }) {
  const q = trpc.videos.get.useQuery({ id: id ?? "" }, { enabled: Boolean(id), refetchInterval: (query) => (!query.state.data || ACTIVE.has(query.state.data.status) ? 1000 : false) });
  if (!id) return null;
  const v = q.data;
  return (
    <section className="card" aria-labelledby="preview-title" data-testid="preview">
      <SectionHead id="preview-title" title="Exact preview" status={v && <StatusBadge status={v.status} />}>
        <button type="button" className="ghost" onClick={onClose}>
          Close
        </button>
      </SectionHead>
      {q.isError && <ErrorAlert message={errorMessage(q.error)} />}
      {v && ACTIVE.has(v.status) && (
        <div aria-live="polite">
          <ProgressBar value={v.progress} label="Preview progress" />
          <p className="note">
            {v.status === "QUEUED" ? "Waiting for a renderer…" : `Rendering ${formatPercent(v.progress)}`} {formatEta(v.etaSeconds) ?? ""}
          </p>
        </div>
      )}
      {v?.status === "READY" && v.videoUrl && (
        <div className="player">
          <video controls autoPlay muted playsInline preload="metadata" src={v.videoUrl} poster={v.posterUrl ?? undefined} data-testid="preview-video" />
        </div>
      )}
      {v?.status === "FAILED" && <ErrorAlert message={v.error ?? "The preview could not be made. Change the options and try again."} />}
      {v?.status === "CANCELED" && <p className="muted">This preview was canceled.</p>}
      <p className="note">
        Previews are small and low frame rate so they are ready quickly; the video you create uses your full settings.
      </p>
    </section>
  );
}
