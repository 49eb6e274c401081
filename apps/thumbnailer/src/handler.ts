import { parsePhotoOriginalKey, type PhotoProcessor } from "@photoreel/core";
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
    const outcome = await processor.process(ids.ownerId, ids.photoId);
    log.info({ ...ids, outcome }, "photo processed");
    processed++;
  }
  return { processed, ignored };
}
