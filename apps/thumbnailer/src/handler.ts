import { photoSpan } from "@photoreel/bootstrap";
import { backfillPhotos, parsePhotoOriginalKey, type BackfillReport, type PhotoProcessor, type PhotoRepository } from "@photoreel/core";
import type { S3Event } from "aws-lambda";
import type { Logger } from "pino";

/**
 * S3 ObjectCreated -> thumbnails + metadata. The same processor runs in-process on the embedded stack.
 * A bad photo ends as `rejected` (never an error); an error here is transient and Lambda retries the event.
 */
export async function handleS3Event(event: S3Event, processor: PhotoProcessor, log: Logger): Promise<{ processed: number; ignored: number }> {
  let processed = 0;
  let ignored = 0;
  for (const record of event.Records) {
    if (!record.eventName.startsWith("ObjectCreated:")) {
      ignored++;
      continue;
    }
    // Keys in S3 events are URL-encoded with '+' for spaces.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    const ids = parsePhotoOriginalKey(key);
    if (!ids) {
      log.warn({ key }, "ignored object that is not a photo original");
      ignored++;
      continue;
    }
    // A span per photo (the S3 event carries no trace context from the browser's upload: its own trace).
    const outcome = await photoSpan(ids, () => processor.process(ids.ownerId, ids.photoId));
    log.info({ ...ids, outcome }, "photo processed");
    processed++;
  }
  return { processed, ignored };
}

/**
 * An operator's invocation for the upload backfill (README, Day two): one bounded batch of photos uploaded before
 * upload pinning, re-checked by this Lambda's decoder; invoke again with the returned `nextCursor` until it is null.
 */
export interface BackfillEvent {
  backfill: "photos";
  limit?: number;
  cursor?: string | null;
}

export async function handleBackfillEvent(event: BackfillEvent, processor: PhotoProcessor, photos: PhotoRepository, log: Logger): Promise<BackfillReport> {
  // 20 photos fit the function's 120 s timeout with room to spare (a decode takes a second or two at most).
  const report = await backfillPhotos({ photos, recheck: (o, p) => processor.recheckLegacy(o, p) }, { limit: event.limit ?? 20, cursor: event.cursor ?? null });
  log.info(report, "photo backfill batch");
  return report;
}
