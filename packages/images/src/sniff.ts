import type { AUDIO_CONTENT_TYPES, PHOTO_CONTENT_TYPES } from "@photoreel/contracts";
import type { MediaSniffer } from "@photoreel/core";

export type ImageContentType = (typeof PHOTO_CONTENT_TYPES)[number];
export type AudioContentType = (typeof AUDIO_CONTENT_TYPES)[number];

/** Every signature below is decided within this many leading bytes. */
export const SNIFF_BYTES = 64;

const ascii = (head: Uint8Array, start: number, length: number): string =>
  head.length < start + length ? "" : String.fromCharCode(...head.subarray(start, start + length));

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);

/** ISO BMFF `ftyp`: major brand plus the compatible brands that fit in the sniffed bytes. */
function ftypBrands(head: Uint8Array): string[] | null {
  if (ascii(head, 4, 4) !== "ftyp") return null;
  const boxSize = ((head[0] ?? 0) << 24) | ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0);
  if (boxSize < 16) return null;
  const end = Math.min(boxSize, head.length, SNIFF_BYTES);
  const brands = [ascii(head, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(head, at, 4));
  return brands;
}

// The one table of ISO BMFF brands (ftyp). HEVC-coded HEIF is what iPhones write; AVIF is AV1-coded HEIF; "mif1"/"msf1"
// say only "HEIF" and leave the codec to the compatible brands (or, when none names it, to the file's item types).
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIF_BRANDS = new Set(["mif1", "msf1", "mif2"]);
const AUDIO_MP4_BRANDS = new Set(["M4A ", "M4B ", "M4P ", "mp42", "mp41", "isom", "iso2", "iso5", "dash", "F4A "]);

/**
 * The real type from the first bytes; never trusts a declared type or a file name. HEIF is `image/heic` when a brand
 * says HEVC, `image/avif` when one says AV1, and `image/heif` when only the generic HEIF brands are present.
 */
export function sniffImageType(head: Uint8Array): ImageContentType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") return "image/webp";
  const gif = ascii(head, 0, 6);
  if (gif === "GIF87a" || gif === "GIF89a") return "image/gif";
  const brands = ftypBrands(head);
  const [major] = brands ?? [];
  if (!brands || !major) return null;
  if (HEIC_BRANDS.has(major)) return "image/heic";
  if (AVIF_BRANDS.has(major)) return "image/avif";
  if (!HEIF_BRANDS.has(major)) return null;
  // e.g. major "mif1" with compatible "heic": still HEVC-coded.
  if (brands.some((b) => HEIC_BRANDS.has(b))) return "image/heic";
  if (brands.some((b) => AVIF_BRANDS.has(b))) return "image/avif";
  return "image/heif";
}

/** HEIF in any of its codings: the files that go through the HEIF decoders rather than libvips' other loaders. */
export const isHeifFamily = (type: ImageContentType): boolean => type === "image/heic" || type === "image/heif" || type === "image/avif";

function isMp3FrameHeader(b1: number, b2: number): boolean {
  const version = (b1 >> 3) & 0b11; // 01 is reserved
  const layer = (b1 >> 1) & 0b11; // 00 is reserved (ADTS uses it)
  const bitrate = b2 >> 4; // 1111 is invalid
  const sampleRate = (b2 >> 2) & 0b11; // 11 is reserved
  return (b1 & 0xe0) === 0xe0 && version !== 0b01 && layer !== 0b00 && bitrate !== 0b1111 && sampleRate !== 0b11;
}

/** MP3 (ID3 tag or frame sync), M4A (ftyp), ADTS AAC, RIFF WAVE, Ogg. Whether an MP4 really holds audio is ffprobe's job. */
export function sniffAudioType(head: Uint8Array): AudioContentType | null {
  if (ascii(head, 0, 3) === "ID3") return "audio/mpeg";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WAVE") return "audio/wav";
  if (ascii(head, 0, 4) === "OggS") return "audio/ogg";
  const brands = ftypBrands(head);
  if (brands?.[0] && AUDIO_MP4_BRANDS.has(brands[0])) return "audio/mp4";
  const [b0, b1, b2] = head;
  if (b0 === 0xff && b1 !== undefined && b2 !== undefined) {
    // ADTS: 12-bit sync, layer 00, and a valid sampling-frequency index.
    if ((b1 & 0xf6) === 0xf0 && ((b2 >> 2) & 0x0f) < 13) return "audio/aac";
    if (isMp3FrameHeader(b1, b2)) return "audio/mpeg";
  }
  return null;
}

/** A short, user-facing description of what a rejected upload looks like, for the error message. */
export function describeContent(head: Uint8Array): string | null {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head).replace(/^\uFEFF/, "").trimStart().toLowerCase();
  if (text.startsWith("<svg") || (text.startsWith("<?xml") && text.includes("<svg"))) return "an SVG drawing";
  if (text.startsWith("<!doctype html") || text.startsWith("<html")) return "a web page";
  if (text.startsWith("%pdf")) return "a PDF document";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return "a ZIP archive";
  if (ascii(head, 0, 2) === "BM") return "a BMP image, which is not supported";
  if (ascii(head, 0, 4) === "II*\0" || ascii(head, 0, 4) === "MM\0*") return "a TIFF image, which is not supported";
  const brands = ftypBrands(head);
  if (brands) return brands[0]?.startsWith("M4") ? "an audio file" : "a video"; // isom/mp42 are usually videos
  if (sniffAudioType(head)) return "an audio file";
  if (head.length > 0 && isMostlyText(head)) return "text";
  return null;
}

function isMostlyText(head: Uint8Array): boolean {
  let printable = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 0x20 && b !== 0x7f)) printable++;
  return printable === head.length && !head.includes(0);
}

/** Core's `MediaSniffer` port, for the composition roots: core asks this table instead of keeping its own. */
export const mediaSniffer: MediaSniffer = { headBytes: SNIFF_BYTES, photoType: sniffImageType, audioType: sniffAudioType };
