import type { Logger } from "pino";

const UNITS: Record<string, string> = {
  RenderSucceeded: "Count",
  RenderFailed: "Count",
  RenderDurationSeconds: "Seconds",
  // A successful render's stages (render-job.ts): Ken Burns draws beside its encoder, so the two overlap; still
  // slides draw and encode in the same FFmpeg runs, all counted as encode (draw 0).
  StageDownloadSeconds: "Seconds",
  StagePrescaleSeconds: "Seconds",
  StageDrawSeconds: "Seconds",
  StageEncodeSeconds: "Seconds",
  StageJoinSeconds: "Seconds",
  StageUploadSeconds: "Seconds",
};

/** CloudWatch Embedded Metric Format in the JSON log line: CloudWatch Logs turns it into metrics, no API calls. */
export function emitMetric(log: Logger, values: Record<string, number>, dimensions: Record<string, string>) {
  log.info(
    {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: "Photoreel",
            Dimensions: [Object.keys(dimensions)],
            Metrics: Object.keys(values).map((Name) => ({ Name, Unit: UNITS[Name] ?? "None" })),
          },
        ],
      },
      ...dimensions,
      ...values,
    },
    "metric",
  );
}
