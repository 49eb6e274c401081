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
      if (photo.status === "ready" || photo.status === "rejected") return "skipped";
      const head = await d.blobs.head(originalKey);
      if (!head) return "skipped";
      const rejectWith = async (reason: string, duplicateOf: string | null = null) => {
        await d.blobs.delete([originalKey, keys.photoThumb(ownerId, photoId), keys.photoPreview(ownerId, photoId)]);
        await d.photos.update(ownerId, photoId, { status: "rejected", rejectReason: reason, duplicateOf, uploadId: null }, { fromStatus: ["uploading", "processing"] });
      };
      if (head.size > d.maxUploadBytes) {
        await rejectWith(`This file is larger than the ${Math.round(d.maxUploadBytes / 1024 / 1024)} MB limit.`);
        return "rejected";
      }
      const original = await streamToBuffer(await d.blobs.getStream(originalKey));
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
        d.blobs.put(keys.photoThumb(ownerId, photoId), p.thumbnail, "image/webp"),
        d.blobs.put(keys.photoPreview(ownerId, photoId), p.preview, "image/webp"),
      ]);
      const updated = await d.photos.update(
        ownerId,
        photoId,
        {
          status: "ready",
          bytes: head.size,
          width: p.width,
          height: p.height,
          orientation: p.orientation,
          takenAt: p.takenAt,
          cameraMake: p.cameraMake,
          cameraModel: p.cameraModel,
          sha256: p.sha256,
          uploadId: null,
        },
        { fromStatus: ["uploading", "processing"] },
      );
      if (!updated) {
        // Deleted while we worked: remove what we wrote.
        await d.blobs.delete([originalKey, keys.photoThumb(ownerId, photoId), keys.photoPreview(ownerId, photoId)]);
        return "skipped";
      }
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
