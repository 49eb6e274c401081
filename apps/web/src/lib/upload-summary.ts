import type { UploadItem, UploadStatus } from "./uploader";

const IN_FLIGHT: ReadonlySet<UploadStatus> = new Set(["queued", "uploading", "finishing"]);
/** Uploaded: the bytes are in, the server is making thumbnails (processing) or is done (ready). */
const UPLOADED: ReadonlySet<UploadStatus> = new Set(["processing", "ready"]);
/** What stays in the tray until the user dismisses it (or retries). */
export const NEEDS_ATTENTION: ReadonlySet<UploadStatus> = new Set(["failed", "rejected"]);

export interface UploadSummary {
  /** Files in this batch that are still meant to arrive (canceled ones are not counted). */
  total: number;
  uploaded: number;
  inFlight: number;
  problems: number;
  /** Bytes in over bytes expected, 0-100, for the files that are still meant to arrive. */
  percent: number;
  /** One line for the tray's summary. */
  text: string;
}

/** The tray's one-line summary of the whole batch. */
export function summarizeUploads(items: readonly Pick<UploadItem, "status" | "sent" | "file">[]): UploadSummary {
  let total = 0;
  let uploaded = 0;
  let inFlight = 0;
  let problems = 0;
  let bytes = 0;
  let sent = 0;
  for (const it of items) {
    if (NEEDS_ATTENTION.has(it.status)) problems++;
    if (it.status === "canceled" || it.status === "rejected") continue;
    total++;
    bytes += it.file.size;
    if (UPLOADED.has(it.status)) {
      uploaded++;
      sent += it.file.size;
    } else {
      sent += Math.min(it.sent, it.file.size);
      if (IN_FLIGHT.has(it.status)) inFlight++;
    }
  }
  const percent = bytes > 0 ? (sent / bytes) * 100 : total > 0 ? 100 : 0;
  const photos = (n: number) => `${n} photo${n === 1 ? "" : "s"}`;
  const problemText = problems ? `${problems} need${problems === 1 ? "s" : ""} attention` : "";
  let text: string;
  if (inFlight) text = `Uploading ${uploaded} of ${total}${problemText ? ` · ${problemText}` : ""}`;
  else if (problems) text = `${uploaded ? `${photos(uploaded)} uploaded · ` : ""}${problemText}`;
  else text = `${photos(uploaded)} uploaded`;
  return { total, uploaded, inFlight, problems, percent, text };
}
