import type { Config } from "@photoreel/config";
import { createPhotoProcessor, type BlobStore, type PhotoProcessor, type PhotoRepository } from "@photoreel/core";
import { createPhotoDecoder } from "@photoreel/images";

/** Seconds one photo may take to decode before it is rejected. */
const DECODE_TIMEOUT_S = 30;

/**
 * The photo processor as every app runs it (the thumbnailer Lambda, the API's in-process stand-in for it):
 * one place turns the upload and pixel limits into the decoder's bounds.
 */
export function composePhotoProcessor(config: Pick<Config, "MAX_INPUT_PIXELS" | "MAX_UPLOAD_BYTES">, d: { blobs: BlobStore; photos: PhotoRepository }): PhotoProcessor {
  return createPhotoProcessor({
    blobs: d.blobs,
    photos: d.photos,
    decoder: createPhotoDecoder({ maxInputPixels: config.MAX_INPUT_PIXELS, timeoutSeconds: DECODE_TIMEOUT_S, maxBytes: config.MAX_UPLOAD_BYTES }),
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
  });
}
