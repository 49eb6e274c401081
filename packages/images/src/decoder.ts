import type { PhotoDecoder } from "@photoreel/core";
import { PhotoRejectedError } from "./errors";
import { processPhoto, type ProcessOptions } from "./process-photo";

/**
 * The thumbnailer's decoder (core's `PhotoDecoder` port): a bad photo is an outcome with a reason, anything else
 * propagates so the caller can retry.
 */
export function createPhotoDecoder(opts: ProcessOptions): PhotoDecoder {
  return {
    async decode(original: Buffer) {
      try {
        const p = await processPhoto(original, opts);
        return { ok: true as const, photo: p };
      } catch (e) {
        if (e instanceof PhotoRejectedError) return { ok: false as const, reason: e.message };
        throw e;
      }
    },
  };
}
