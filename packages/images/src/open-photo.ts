import { readFile, stat } from "node:fs/promises";
import { crc32, deflateSync } from "node:zlib";
import { PHOTO_FORMAT_NAMES } from "@photoreel/contracts";
import sharp from "sharp";
import type { Metadata, Region, ResizeOptions, Sharp, SharpOptions } from "sharp";
import { PhotoRejectedError } from "./errors";
import { readExifOrientation } from "./exif";
import { decodeHeic, HeicDecodeError, HeicTimeoutError, type HeicPixels } from "./heic";
import { describeContent, isHeifFamily, sniffImageType, SNIFF_BYTES } from "./sniff";
import type { ImageContentType } from "./sniff";

/** The bounds every decode of an uploaded photo runs under, in the thumbnailer and in the render worker alike. */
export interface PhotoLimits {
  maxInputPixels: number;
  maxBytes: number;
  /** Per libvips pipeline, and for the HEIC decode. */
  timeoutSeconds: number;
}

export type PhotoFormat = "jpeg" | "png" | "webp" | "heif" | "gif";

/** Upright 8-bit sRGB pixels, interleaved. */
export interface RawPixels {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

export interface PixelOptions {
  extract?: Region;
  flatten?: boolean;
}

/** A photo that passed the sniff, the allow-list and the header checks; its pixels are decoded on demand. */
export interface OpenedPhoto {
  type: ImageContentType;
  format: PhotoFormat;
  bytes: Buffer;
  /** Display size: after EXIF orientation and the HEIF transforms. */
  width: number;
  height: number;
  /** EXIF orientation 1-8 as found in the file. */
  orientation: number | null;
  /** The raw EXIF block, when the file has one. */
  exif: Buffer | undefined;
  /**
   * The upright picture, cropped to `extract` (display coordinates) when given, resized by libvips (`resize`;
   * shrink-on-load where the format has it), `flatten`ed onto black when asked, converted to 8-bit sRGB from the
   * file's ICC profile. Bad pixels reject with a PhotoRejectedError.
   */
  pixels(resize: ResizeOptions, opts?: PixelOptions): Promise<RawPixels>;
}

const FORMAT_BY_TYPE: Record<ImageContentType, PhotoFormat> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/heic": "heif",
  "image/heif": "heif",
  "image/avif": "heif",
};
/** HEIF codings a brand allows: a file whose brand and coding disagree is not what it claims to be. */
const CODINGS: Partial<Record<ImageContentType, string[]>> = {
  "image/heic": ["hevc"],
  "image/avif": ["av1"],
  "image/heif": ["hevc", "av1"],
};

const SUPPORTED = `Upload a ${PHOTO_FORMAT_NAMES}.`;
const mb = (bytes: number) => Math.round((bytes / 1_000_000) * 10) / 10;
const megapixels = (pixels: number) => Math.round(pixels / 1_000_000);
export const reject = {
  empty: () => new PhotoRejectedError("EMPTY", "This file is empty (0 bytes). Choose the photo again."),
  tooBig: (bytes: number, max: number) =>
    new PhotoRejectedError(
      "FILE_TOO_LARGE",
      `This file is too large (${mb(bytes)} MB; the limit is ${mb(max)} MB). Export the photo at a smaller size and upload it again.`,
    ),
  notAPhoto: (head: Uint8Array) => {
    const what = describeContent(head);
    return new PhotoRejectedError(
      "NOT_A_PHOTO",
      what ? `This file is not a photo (it looks like ${what}). ${SUPPORTED}` : `This file is not a photo we can read. ${SUPPORTED}`,
    );
  },
  pixels: (max: number, pixels?: number) =>
    new PhotoRejectedError(
      "TOO_MANY_PIXELS",
      pixels === undefined
        ? `This photo is too large to process (the limit is ${megapixels(max)} megapixels). Resize it and upload again.`
        : `This photo is too large to process (${megapixels(pixels)} megapixels; the limit is ${megapixels(max)}). Resize it and upload again.`,
    ),
  damaged: (cause?: unknown) =>
    new PhotoRejectedError("DAMAGED", "This photo is damaged or incomplete and can't be read. Upload the original file again.", {
      cause,
    }),
  coding: (coding: string) =>
    new PhotoRejectedError(
      "UNSUPPORTED_CODING",
      `This HEIF photo is stored with a coding we can't read (${coding.slice(0, 16)}). Export it as HEIC, AVIF or JPEG and upload it again.`,
    ),
  timeout: (cause: unknown) =>
    new PhotoRejectedError(
      "TIMEOUT",
      "This photo took too long to process. Save it again at a smaller size (12 megapixels is plenty) as a JPEG and upload that.",
      { cause },
    ),
};

/**
 * The one way an uploaded photo is opened, by the thumbnailer and by the render worker: sniff the first bytes (the
 * declared type is never trusted) -> allow-list (PHOTO_FORMATS) -> header only (no pixels) -> pixel limit -> a decoder
 * chosen by the sniffed type: libvips for JPEG, PNG, WebP, GIF (first frame) and AVIF; libheif (WebAssembly, in a
 * worker thread) for HEVC-coded HEIC. Bad input of any kind ends in a PhotoRejectedError whose message the user can act
 * on; anything else (a missing path, EMFILE, out of memory) propagates.
 */
export async function openPhoto(input: Buffer | string, limits: PhotoLimits): Promise<OpenedPhoto> {
  const bytes = typeof input === "string" ? await readBounded(input, limits.maxBytes) : input;
  if (bytes.length === 0) throw reject.empty();
  if (bytes.length > limits.maxBytes) throw reject.tooBig(bytes.length, limits.maxBytes);

  const head = bytes.subarray(0, SNIFF_BYTES);
  const type = sniffImageType(head);
  if (!type) throw reject.notAPhoto(head);
  const format = FORMAT_BY_TYPE[type];

  // Header only: no pixels are decoded, so a decompression bomb is measured (and named) before anything is allocated.
  const meta = await guard(limits, () => sharp(bytes, { ...sharpOptions(limits), limitInputPixels: false }).metadata());
  if (meta.format !== format) throw reject.damaged(new Error(`sniffed ${type}, libvips read ${meta.format}`));
  const storedWidth = meta.width;
  const storedHeight = meta.pageHeight ?? meta.height;
  if (!storedWidth || !storedHeight) throw reject.damaged();
  if (storedWidth * storedHeight > limits.maxInputPixels) throw reject.pixels(limits.maxInputPixels, storedWidth * storedHeight);
  const orientation = meta.orientation !== undefined && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : null;

  if (isHeifFamily(type)) {
    const coding = meta.compression ?? "unknown";
    if (coding !== "hevc" && coding !== "av1") throw reject.coding(coding);
    if (!CODINGS[type]?.includes(coding)) throw reject.damaged(new Error(`brand says ${type}, the image is ${coding}`));
    // libvips drops EXIF orientation for HEIF; the HEIC path reads it to apply when the file has no irot/imir.
    if (coding === "hevc") return openHeic(bytes, type, meta, orientation ?? readExifOrientation(meta.exif), limits);
  }

  const swap = orientation !== null && orientation >= 5;
  return {
    type,
    format,
    bytes,
    width: swap ? storedHeight : storedWidth,
    height: swap ? storedWidth : storedHeight,
    orientation,
    exif: meta.exif,
    pixels: (resize, opts = {}) =>
      guard(limits, () => toRaw(shape(sharp(bytes, sharpOptions(limits)).timeout({ seconds: limits.timeoutSeconds }).autoOrient(), resize, opts).toColourspace("srgb"))),
  };
}

/**
 * HEIC: libheif applies the file's own transforms (irot/imir, normative in HEIF). EXIF orientation is applied only when
 * the file has none of them, as iOS's editor writes it (camera files carry both, and applying both would turn twice).
 */
async function openHeic(bytes: Buffer, type: ImageContentType, meta: Metadata, orientation: number | null, limits: PhotoLimits): Promise<OpenedPhoto> {
  const decoded = await decodeHeic(bytes, { maxPixels: limits.maxInputPixels, timeoutMs: limits.timeoutSeconds * 1000 }).catch((err: unknown) => {
    if (err instanceof HeicTimeoutError) throw reject.timeout(err);
    if (err instanceof HeicDecodeError) throw reject.damaged(err);
    throw err;
  });
  if (decoded.width !== meta.width || decoded.height !== meta.height) {
    throw reject.damaged(new Error(`header says ${meta.width}x${meta.height}, libheif decoded ${decoded.width}x${decoded.height}`));
  }
  const exifTurn = decoded.transformed ? null : orientation;
  const swap = exifTurn !== null && exifTurn >= 5;
  // Upright pixels, so that a crop is in display coordinates: libheif's own output, or (EXIF orientation only) turned
  // once here, the first time they are asked for.
  let turned: Promise<RawPixels> | undefined;
  const upright = (): Promise<RawPixels> =>
    exifTurn === null
      ? Promise.resolve({ data: decoded.data, info: rawOf(decoded) })
      : (turned ??= toRaw(orient(sharp(decoded.data, { raw: rawOf(decoded) }), exifTurn)));
  return {
    type,
    format: "heif",
    bytes,
    width: swap ? decoded.height : decoded.width,
    height: swap ? decoded.width : decoded.height,
    orientation,
    exif: meta.exif,
    pixels: (resize, opts = {}) =>
      guard(limits, async () => {
        const u = await upright();
        const img = shape(sharp(u.data, { raw: u.info }).timeout({ seconds: limits.timeoutSeconds }), resize, opts);
        if (!meta.icc) return toRaw(img);
        // libheif hands over the pixels as coded (Display P3 on iPhones). Convert them from the file's ICC profile to
        // sRGB after the resize, where it is cheap: sharp reads a profile only from an image file, so the resized
        // pixels go through an uncompressed PNG that carries it.
        const resized = await toRaw(img);
        return toRaw(sharp(await pngWithIcc(resized, meta.icc)).toColourspace("srgb"));
      }),
  };
}

const rawOf = (p: HeicPixels) => ({ width: p.width, height: p.height, channels: p.channels });

/** Crop (display coordinates), resize, flatten: in this order, on upright pixels. */
function shape(img: Sharp, resize: ResizeOptions, opts: PixelOptions): Sharp {
  const cropped = opts.extract ? img.extract(opts.extract) : img;
  const resized = cropped.resize(resize);
  return opts.flatten ? resized.flatten({ background: { r: 0, g: 0, b: 0 } }) : resized;
}

/** EXIF orientation 2-8 applied as sharp's auto-orient does (sharp mirrors before it rotates, whatever the call order). */
function orient(img: Sharp, orientation: number | null): Sharp {
  switch (orientation) {
    case 2:
      return img.flop();
    case 3:
      return img.rotate(180);
    case 4:
      return img.flip();
    case 5:
      return img.flip().rotate(90);
    case 6:
      return img.rotate(90);
    case 7:
      return img.flop().rotate(90);
    case 8:
      return img.rotate(270);
    default:
      return img;
  }
}

async function toRaw(img: Sharp): Promise<RawPixels> {
  const { data, info } = await img.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

/** An uncompressed PNG of `p` whose iCCP chunk carries `icc` (PNG: signature, IHDR, then ancillary chunks). */
function pngWithIcc(p: RawPixels, icc: Buffer): Promise<Buffer> {
  return sharp(p.data, { raw: p.info })
    .png({ compressionLevel: 0, adaptiveFiltering: false })
    .toBuffer()
    .then((png) => {
      const body = Buffer.concat([Buffer.from("ICC\0\0", "latin1"), deflateSync(icc)]); // name, NUL, method 0 (zlib)
      const chunk = Buffer.alloc(12 + body.length);
      chunk.writeUInt32BE(body.length, 0);
      chunk.write("iCCP", 4, "latin1");
      body.copy(chunk, 8);
      chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + body.length)), 8 + body.length);
      const afterIhdr = 8 + 8 + 13 + 4;
      return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
    });
}

function sharpOptions(limits: PhotoLimits): SharpOptions {
  return {
    limitInputPixels: limits.maxInputPixels,
    // "error" also fails on truncation; "warning" would reject real camera files with harmless libjpeg warnings.
    failOn: "error",
    pages: 1, // animated GIF/WebP: first frame only
  };
}

async function readBounded(path: string, maxBytes: number): Promise<Buffer> {
  const { size } = await stat(path);
  if (size === 0) throw reject.empty();
  if (size > maxBytes) throw reject.tooBig(size, maxBytes);
  return readFile(path);
}

// libvips reports resource exhaustion with these; they are the server's problem, not the upload's.
const INFRASTRUCTURE = /out of memory|unable to allocate|cannot allocate|too many open files|EMFILE|ENOMEM|ENOSPC/i;

/** Maps libvips' errors about the input to a PhotoRejectedError and lets everything else through. */
export async function guard<T>(limits: PhotoLimits, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PhotoRejectedError) throw error;
    if (!(error instanceof Error) || "code" in error || INFRASTRUCTURE.test(error.message)) throw error;
    if (/exceeds pixel limit|security limit/i.test(error.message)) throw reject.pixels(limits.maxInputPixels);
    if (/timeout/i.test(error.message)) throw reject.timeout(error);
    throw reject.damaged(error);
  }
}
