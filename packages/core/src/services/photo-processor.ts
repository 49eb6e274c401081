import { keys } from "../model";
import type { PhotoRepository } from "../model";
import type { BlobStore } from "../ports";

export interface DecodedPhoto {
  /** Display size: after EXIF auto-orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1-8 as found in the file. */
  orientation: number | null;
  takenAt: Date | null;
  cameraMake: string | null;
  cameraModel: string | null;
  /** Hex SHA-256 of the original bytes. */
  sha256: string;
  /** Where the subject is, 0..1 of the upright photo (found once here; the user can move it later). */
  focal: { x: number; y: number };
  /** WebP, longest side 320 px (never upscaled), auto-oriented. */
  thumbnail: Buffer;
  /** WebP, longest side 1600 px (never upscaled), auto-oriented. */
  preview: Buffer;
}
/** The image decoder (sharp on the server); `rejected` carries a reason a user can read. */
export interface PhotoDecoder {
  decode(original: Buffer): Promise<{ ok: true; photo: DecodedPhoto } | { ok: false; reason: string }>;
}

export interface PhotoProcessorDeps {
  blobs: BlobStore;
  photos: PhotoRepository;
  decoder: PhotoDecoder;
  maxUploadBytes: number;
}

/**
 * What the thumbnailer does for one uploaded original, on AWS (S3 event -> Lambda) and locally (called directly).
 * Idempotent: a photo already ready or rejected is left alone, so a repeated event changes nothing.
 *
 * The upload form stays valid for minutes after the photo is checked, so the original key can be overwritten. What
 * was decoded is therefore written to the photo's `checked` key, which no upload form can target, and videos render
 * only that; an original posted again later is deleted unread.
 */
export function createPhotoProcessor(d: PhotoProcessorDeps) {
  return {
    async process(ownerId: string, photoId: string): Promise<"ready" | "rejected" | "duplicate" | "skipped"> {
      const photo = await d.photos.get(ownerId, photoId);
      const originalKey = keys.photoOriginal(ownerId, photoId);
      if (!photo) {
        // An object nobody registered (or a photo deleted meanwhile): it must not linger.
        await d.blobs.delete([originalKey]);
        return "skipped";
      }
      const checkedKey = keys.photoChecked(ownerId, photoId);
      if (photo.status === "ready" || photo.status === "rejected") {
        // The form posted again after the check: nothing reads these bytes, so they must not linger either.
        await d.blobs.delete([originalKey]);
        return "skipped";
      }
      const head = await d.blobs.head(originalKey);
      if (!head) return "skipped";
      const rejectWith = async (reason: string, duplicateOf: string | null = null) => {
        await d.blobs.delete([originalKey, checkedKey, keys.photoThumb(ownerId, photoId), keys.photoPreview(ownerId, photoId)]);
        await d.photos.update(ownerId, photoId, { status: "rejected", rejectReason: reason, duplicateOf, uploadId: null }, { fromStatus: ["uploading", "processing"] });
      };
      if (head.size > d.maxUploadBytes) {
        await rejectWith(`This file is larger than the ${Math.round(d.maxUploadBytes / 1024 / 1024)} MB limit.`);
        return "rejected";
      }
      const original = await d.blobs.getStream(originalKey).then(streamToBuffer).catch(async (e: unknown) => {
        // Gone since the HEAD: a run alongside this one (a redelivered event) finished with it.
        if (await d.blobs.head(originalKey)) throw e;
        return null;
      });
      if (!original) return "skipped";
      const result = await d.decoder.decode(original);
      if (!result.ok) {
        await rejectWith(result.reason);
        return "rejected";
      }
      const p = result.photo;
      const dup = await d.photos.findReadyBySha(ownerId, p.sha256, photoId);
      if (dup) {
        await rejectWith(`You already uploaded this photo ("${dup.filename}").`, dup.id);
        return "duplicate";
      }
      await Promise.all([
        d.blobs.put(checkedKey, original, head.contentType ?? photo.contentType),
        d.blobs.put(keys.photoThumb(ownerId, photoId), p.thumbnail, "image/webp"),
        d.blobs.put(keys.photoPreview(ownerId, photoId), p.preview, "image/webp"),
      ]);
      const updated = await d.photos.update(
        ownerId,
        photoId,
        {
          status: "ready",
          // The bytes decoded (and kept), not a HEAD that a second post may have changed since.
          bytes: original.length,
          width: p.width,
          height: p.height,
          orientation: p.orientation,
          takenAt: p.takenAt,
          cameraMake: p.cameraMake,
          cameraModel: p.cameraModel,
          sha256: p.sha256,
          focal: p.focal,
          uploadId: null,
        },
        { fromStatus: ["uploading", "processing"] },
      );
      if (!updated) {
        // A duplicate event processed the same bytes first: what is stored is right either way.
        const now = await d.photos.get(ownerId, photoId);
        if (now?.status === "ready" && now.sha256 === p.sha256) return "skipped";
        // Deleted while we worked, or another run checked other bytes (the form posted again meanwhile) and `checked`
        // may now hold ours, which its record does not describe: remove it all, so a video refuses the photo.
        await d.blobs.delete([originalKey, checkedKey, keys.photoThumb(ownerId, photoId), keys.photoPreview(ownerId, photoId)]);
        return "skipped";
      }
      await d.blobs.delete([originalKey]);
      return "ready";
    },

    /**
     * The upload backfill for one photo made ready before upload pinning (its `original`, no `checked` copy): the
     * same check as an upload (size, then the decoder's sniff, allow-list and pixel limit) on the bytes stored today.
     * Passing, exactly those bytes become `checked` and `original` goes; failing, the photo is rejected with the
     * decoder's reason, as at upload. Idempotent: a photo with its checked copy (or not ready) is left alone.
     * `missing` is a ready photo with neither object: nothing is left to check (the orphan sweeper's case).
     */
    async recheckLegacy(ownerId: string, photoId: string): Promise<"ready" | "rejected" | "skipped" | "missing"> {
      const photo = await d.photos.get(ownerId, photoId);
      if (photo?.status !== "ready") return "skipped";
      const originalKey = keys.photoOriginal(ownerId, photoId);
      const checkedKey = keys.photoChecked(ownerId, photoId);
      if (await d.blobs.head(checkedKey)) {
        // Already pinned; an original still there is a form posted again (or a crash before its delete): unread.
        await d.blobs.delete([originalKey]);
        return "skipped";
      }
      const head = await d.blobs.head(originalKey);
      if (!head) return "missing";
      const reject = async (reason: string) => {
        const done = await d.photos.update(ownerId, photoId, { status: "rejected", rejectReason: reason }, { fromStatus: ["ready"] });
        if (done) await d.blobs.delete([originalKey, checkedKey, keys.photoThumb(ownerId, photoId), keys.photoPreview(ownerId, photoId)]);
        return done ? "rejected" : "skipped";
      };
      if (head.size > d.maxUploadBytes) return reject(`This file is larger than the ${Math.round(d.maxUploadBytes / 1024 / 1024)} MB limit.`);
      const original = await d.blobs.getStream(originalKey).then(streamToBuffer).catch(async (e: unknown) => {
        if (await d.blobs.head(originalKey)) throw e;
        return null;
      });
      // Gone since the HEAD: a backfill running alongside this one finished with it.
      if (!original) return "skipped";
      if (original.length > d.maxUploadBytes) return reject(`This file is larger than the ${Math.round(d.maxUploadBytes / 1024 / 1024)} MB limit.`);
      const result = await d.decoder.decode(original);
      if (!result.ok) return reject(result.reason);
      // The recorded size, quota and duplicate check describe the bytes checked at upload; other bytes here mean the
      // upload form was posted again after that check (the attack pinning closes), so they are not kept.
      if (photo.sha256 && photo.sha256 !== result.photo.sha256) return reject("This photo's file changed after it was checked. Upload it again.");
      await d.blobs.put(checkedKey, original, head.contentType ?? photo.contentType);
      const updated = await d.photos.update(ownerId, photoId, { sha256: result.photo.sha256, bytes: original.length }, { fromStatus: ["ready"] });
      if (!updated) {
        // Deleted (or rejected) while we worked: the copy must not outlive its row.
        await d.blobs.delete([checkedKey]);
        return "skipped";
      }
      await d.blobs.delete([originalKey]);
      return "ready";
    },
  };
}
export type PhotoProcessor = ReturnType<typeof createPhotoProcessor>;

async function streamToBuffer(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
