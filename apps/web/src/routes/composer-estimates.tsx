import { outputSize, videoDuration, type VideoSpec } from "@photoreel/contracts";
import { estimateVideoBytes, renderWork } from "@photoreel/render/policy";
import { formatBytes, formatDuration } from "../lib/format";
import { trpc } from "../lib/trpc";
import "../styles/filmstrip.css";

/** "about 40 s", "1–2 min": a range of seconds as a person would say it. */
export function formatRenderRange(low: number, high: number): string {
  const r = (s: number) => Math.max(1, Math.round(s));
  if (high < 90) return r(low) === r(high) ? `about ${r(low)} s` : `${r(low)}–${r(high)} s`;
  const m = (s: number) => Math.max(1, Math.round(s / 60));
  return m(low) === m(high) ? `about ${m(low)} min` : `${m(low)}–${m(high)} min`;
}

/**
 * What the video will be before it is made: its length, frame size, file size (the render's own estimate, within
 * ±25% on typical photos) and how long rendering should take, from recent renders (p50–p90 per unit of render work,
 * scaled by this spec's: its length, output pixels, frame rate and Ken Burns).
 */
export function ComposerEstimates({ spec }: { spec: VideoSpec | null }) {
  const rate = trpc.videos.renderTimeEstimate.useQuery(undefined, { staleTime: 5 * 60_000 });
  const seconds = spec ? videoDuration(spec) : null;
  const size = spec ? outputSize(spec.aspect, spec.resolution) : null;
  const renderTime = (() => {
    if (!spec) return "–";
    if (rate.isPending) return "…";
    if (!rate.data) return "not known yet";
    const work = renderWork(spec);
    return formatRenderRange(rate.data.p50 * work, rate.data.p90 * work);
  })();
  return (
    <dl className="estimates" aria-label="Estimates" data-testid="estimates">
      <div>
        <dt>Length</dt>
        <dd data-testid="estimate-length">{seconds === null ? "–" : formatDuration(seconds)}</dd>
      </div>
      <div>
        <dt>Frame</dt>
        <dd data-testid="estimate-frame">{size ? `${size.width}×${size.height}, ${spec!.fps} fps` : "–"}</dd>
      </div>
      <div>
        <dt>File size</dt>
        <dd data-testid="estimate-bytes">{spec ? `about ${formatBytes(estimateVideoBytes(spec))}` : "–"}</dd>
      </div>
      <div>
        <dt>Render time</dt>
        <dd data-testid="estimate-render">{renderTime}</dd>
      </div>
    </dl>
  );
}
