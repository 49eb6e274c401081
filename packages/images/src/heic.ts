import sharp from "sharp";

let cached: boolean | undefined;

/**
 * Whether sharp's libvips can decode HEVC-coded HEIF (iPhone HEIC). sharp's prebuilt libvips ships libheif with the
 * AV1 codec only (HEVC is patent-encumbered), and libvips advertises ".heic" among heifload's suffixes only when libheif
 * has an HEVC decoder. A decode probe would need a real HEIC sample, which nothing on the build machine can encode
 * (sharp refuses `compression: "hevc"`), so the suffix list is the check.
 */
export function heicSupported(): boolean {
  cached ??= Boolean(sharp.format.heif?.input.file) && (sharp.format.heif?.input.fileSuffix ?? []).includes(".heic");
  return cached;
}
