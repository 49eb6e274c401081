import { keys, type AudioRepository, type AudioTrack, type PhotoRepository } from "../model";
import type { AudioProber, BlobStore } from "../ports";

/** What one backfill batch did; call again with `nextCursor` until it is null. */
export interface BackfillReport {
  kind: "photos" | "audio";
  /** Rows looked at in this batch (at most the limit). */
  scanned: number;
  /** Re-checked and pinned: their checked copy now exists and videos render them again. */
  pinned: number;
  /** Failed today's check: rejected with the reason an upload would get, never rendered. */
  rejected: number;
  /** Already pinned (uploaded after pinning, or an earlier run): nothing changed. */
  unchanged: number;
  /** Ready rows with neither object: nothing to check (the orphan sweeper removes them after a day). */
  missing: number;
  nextCursor: string | null;
}

export type LegacyOutcome = "ready" | "rejected" | "skipped" | "missing";

const MAX_BATCH = 200;

/**
 * One bounded batch of the upload backfill: ready rows in id order after `cursor`, each re-checked by `recheck`
 * one at a time (the machine decoding them also serves uploads). Idempotent and resumable: a pinned row is left
 * alone, so a rerun (or a run from an old cursor) changes nothing already done.
 */
async function runBatch<T extends { ownerId: string; id: string }>(
  kind: BackfillReport["kind"],
  list: (afterId: string | null, limit: number) => Promise<T[]>,
  recheck: (row: T) => Promise<LegacyOutcome>,
  opts: { limit: number; cursor?: string | null },
): Promise<BackfillReport> {
  const limit = Math.max(1, Math.min(MAX_BATCH, Math.floor(opts.limit)));
  const rows = await list(opts.cursor ?? null, limit);
  const report: BackfillReport = { kind, scanned: rows.length, pinned: 0, rejected: 0, unchanged: 0, missing: 0, nextCursor: null };
  for (const row of rows) {
    const outcome = await recheck(row);
    if (outcome === "ready") report.pinned++;
    else if (outcome === "rejected") report.rejected++;
    else if (outcome === "missing") report.missing++;
    else report.unchanged++;
  }
  report.nextCursor = rows.length === limit ? rows.at(-1)!.id : null;
  return report;
}

/** Photos: the photo processor's own check (`recheckLegacy`), where the decoder runs. */
export function backfillPhotos(
  d: { photos: PhotoRepository; recheck: (ownerId: string, photoId: string) => Promise<LegacyOutcome> },
  opts: { limit: number; cursor?: string | null },
): Promise<BackfillReport> {
  return runBatch("photos", (a, l) => d.photos.listReadyAfter(a, l), (p) => d.recheck(p.ownerId, p.id), opts);
}

/** Music: the same size limit and ffprobe check as audio.completeUpload, on the bytes stored today. */
export function backfillAudio(
  d: { audio: AudioRepository; blobs: BlobStore; audioProber: AudioProber; maxAudioBytes: number },
  opts: { limit: number; cursor?: string | null },
): Promise<BackfillReport> {
  return runBatch("audio", (a, l) => d.audio.listReadyAfter(a, l), (t) => recheckTrack(d, t), opts);
}

async function recheckTrack(
  d: { audio: AudioRepository; blobs: BlobStore; audioProber: AudioProber; maxAudioBytes: number },
  t: AudioTrack,
): Promise<LegacyOutcome> {
  const originalKey = keys.audioOriginal(t.ownerId, t.id);
  const checkedKey = keys.audioChecked(t.ownerId, t.id);
  if (await d.blobs.head(checkedKey)) {
    await d.blobs.delete([originalKey]);
    return "skipped";
  }
  const head = await d.blobs.head(originalKey);
  if (!head) return "missing";
  const reject = async (reason: string): Promise<LegacyOutcome> => {
    const done = await d.audio.update(t.ownerId, t.id, { status: "rejected", rejectReason: reason }, { fromStatus: ["ready"] });
    if (done) await d.blobs.delete([originalKey, checkedKey]);
    return done ? "rejected" : "skipped";
  };
  const tooBig = `This file is larger than the ${Math.round(d.maxAudioBytes / 1024 / 1024)} MB limit for music. Choose a shorter or more compressed track.`;
  if (head.size === 0) return reject("This file is empty (0 bytes). Choose the music file again.");
  if (head.size > d.maxAudioBytes) return reject(tooBig);
  const bytes = await d.blobs.getStream(originalKey).then(readAll).catch(async (e: unknown) => {
    if (await d.blobs.head(originalKey)) throw e;
    return null;
  });
  if (!bytes) return "skipped";
  const probed = bytes.length > d.maxAudioBytes ? { ok: false as const, reason: tooBig } : await d.audioProber.probe(bytes);
  if (!probed.ok) return reject(probed.reason);
  // The recorded size (and quota) describe the file checked at upload; another size means the form was posted again.
  if (bytes.length !== t.bytes) return reject("This file changed after it was checked. Upload it again.");
  await d.blobs.put(checkedKey, bytes, probed.contentType);
  const done = await d.audio.update(t.ownerId, t.id, { durationSeconds: probed.durationSeconds, beats: probed.beats ?? [] }, { fromStatus: ["ready"] });
  if (!done) {
    await d.blobs.delete([checkedKey]);
    return "skipped";
  }
  await d.blobs.delete([originalKey]);
  return "ready";
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
