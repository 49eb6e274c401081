import { keys, type AudioRepository, type PhotoRepository } from "../model";
import type { BlobStore, Clock, VideoJobStore } from "../ports";

export interface OrphanReport {
  /** Objects no row or job refers to. */
  objectsWithoutRows: string[];
  /** Photo rows stuck uploading, or ready rows whose checked copy is gone. */
  rowsWithoutObjects: string[];
  cleaned: boolean;
}

const PHOTO_KEY = /^users\/([^/]+)\/photos\/([0-9a-f-]{36})\/(original|checked|thumb\.webp|preview\.webp)$/;
const AUDIO_KEY = /^users\/([^/]+)\/audio\/([0-9a-f-]{36})\/(original|checked)$/;
const VIDEO_KEY = /^users\/([^/]+)\/videos\/([0-9a-f-]{36})\/[^/]+$/;

/**
 * Finds what a crash or a lost event can leave behind, older than `minAgeMs` (a day by default, so nothing in
 * flight is touched): objects without a row or job, and rows without their object. Reports, and cleans unless
 * `dryRun`. Safe to run from several processes at once: every step is idempotent.
 */
export async function sweepOrphans(
  d: { blobs: BlobStore; photos: PhotoRepository; audio: AudioRepository; jobs: VideoJobStore; clock: Clock },
  opts: { dryRun: boolean; minAgeMs?: number },
): Promise<OrphanReport> {
  const cutoff = new Date(d.clock.now().getTime() - (opts.minAgeMs ?? 24 * 3600 * 1000));
  const objectsWithoutRows: string[] = [];
  const rowsWithoutObjects: string[] = [];
  const photoCache = new Map<string, boolean>();
  const photoExists = async (ownerId: string, id: string) => {
    const k = `${ownerId}/${id}`;
    if (!photoCache.has(k)) photoCache.set(k, (await d.photos.get(ownerId, id)) !== null);
    return photoCache.get(k)!;
  };

  for await (const o of d.blobs.list("users/")) {
    if (o.lastModified > cutoff) continue;
    let m: RegExpExecArray | null;
    if ((m = PHOTO_KEY.exec(o.key))) {
      if (!(await photoExists(m[1]!, m[2]!))) objectsWithoutRows.push(o.key);
    } else if ((m = AUDIO_KEY.exec(o.key))) {
      if (!(await d.audio.get(m[1]!, m[2]!))) objectsWithoutRows.push(o.key);
    } else if ((m = VIDEO_KEY.exec(o.key))) {
      const job = await d.jobs.get(m[1]!, m[2]!);
      if (!job || (job.status !== "READY" && job.status !== "RENDERING")) objectsWithoutRows.push(o.key);
    } else {
      objectsWithoutRows.push(o.key);
    }
  }

  const stale = [...(await d.photos.listStale("uploading", cutoff, 1000)), ...(await d.photos.listStale("processing", cutoff, 1000))];
  for (const p of stale) rowsWithoutObjects.push(`photo:${p.ownerId}/${p.id}`);
  const ready = await d.photos.listStale("ready", cutoff, 5000);
  const missing: typeof ready = [];
  // A ready photo from before upload pinning has its original but no checked copy yet: that is not lost, so only a
  // row with neither object goes.
  for (const p of ready)
    if (!(await d.blobs.head(keys.photoChecked(p.ownerId, p.id))) && !(await d.blobs.head(keys.photoOriginal(p.ownerId, p.id)))) missing.push(p);
  for (const p of missing) rowsWithoutObjects.push(`photo:${p.ownerId}/${p.id}`);

  if (!opts.dryRun) {
    if (objectsWithoutRows.length) await d.blobs.delete(objectsWithoutRows);
    for (const p of [...stale, ...missing]) {
      if (p.uploadId) await d.blobs.abortMultipart(keys.photoOriginal(p.ownerId, p.id), p.uploadId).catch(() => {});
      await d.photos.deleteMany(p.ownerId, [p.id]);
      await d.blobs.delete([keys.photoOriginal(p.ownerId, p.id), keys.photoChecked(p.ownerId, p.id), keys.photoThumb(p.ownerId, p.id), keys.photoPreview(p.ownerId, p.id)]);
    }
  }
  return { objectsWithoutRows, rowsWithoutObjects, cleaned: !opts.dryRun };
}
