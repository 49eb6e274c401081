import { PhotoRejectedError } from "./errors";
import { processPhoto, type ProcessOptions } from "./process-photo";

/**
 * The thumbnailer's decoder port (structurally `PhotoDecoder` from @photoreel/core): a bad photo is an outcome
 * with a reason, anything else propagates so the caller can retry.
 */
export function createPhotoDecoder(opts: ProcessOptions) {
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
