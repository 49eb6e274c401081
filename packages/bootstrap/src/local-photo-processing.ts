import type { Config } from "@photoreel/config";
import type { BlobStore, PhotoProcessingTrigger, PhotoRepository } from "@photoreel/core";
import type { Logger } from "./logger";
import { composePhotoProcessor } from "./photo-processor";
import { photoSpan } from "./telemetry";

export interface LocalPhotoProcessing extends PhotoProcessingTrigger {
  /** Resolves when nothing is queued or running (tests wait on it). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The embedded stack's stand-in for the S3 -> Lambda trigger: the same processor the thumbnailer Lambda runs,
 * called directly, two photos at a time. A failure leaves the photo `processing`; a retry of completeUpload or a
 * restart re-queues it.
 */
export async function createLocalPhotoProcessing(d: { blobs: BlobStore; photos: PhotoRepository; config: Config; log: Logger }): Promise<LocalPhotoProcessing> {
  const processor = composePhotoProcessor(d.config, d);
  const queue: { ownerId: string; photoId: string }[] = [];
  const queued = new Set<string>();
  let running = 0;
  let waiters: (() => void)[] = [];
  let closed = false;
  const CONCURRENCY = 2;

  const pump = () => {
    while (!closed && running < CONCURRENCY && queue.length) {
      const job = queue.shift()!;
      running++;
      // The Lambda's span, in its own trace as on AWS (not a child of the completeUpload that queued it).
      photoSpan(job, () => processor.process(job.ownerId, job.photoId))
        .then((outcome) => d.log.info({ photoId: job.photoId, outcome }, "photo processed"))
        .catch((err: unknown) => d.log.error({ err, photoId: job.photoId }, "photo processing failed"))
        .finally(() => {
          running--;
          queued.delete(job.photoId);
          pump();
          if (running === 0 && queue.length === 0) {
            const w = waiters;
            waiters = [];
            w.forEach((f) => f());
          }
        });
    }
  };

  // Photos left `processing` by a previous run (crash, restart) are picked up again.
  const stale = await d.photos.listStale("processing", new Date(), 1000);
  for (const p of stale) {
    queue.push({ ownerId: p.ownerId, photoId: p.id });
    queued.add(p.id);
  }
  pump();

  return {
    photoUploaded(ownerId, photoId) {
      if (queued.has(photoId)) return;
      queued.add(photoId);
      queue.push({ ownerId, photoId });
      pump();
    },
    recheckLegacy: (ownerId, photoId) => processor.recheckLegacy(ownerId, photoId),
    idle: () => (running === 0 && queue.length === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    close: async () => {
      closed = true;
      queue.length = 0;
      while (running > 0) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
