// Builds every test input from scratch (sharp, Buffer, zlib, ffmpeg, heif-enc): no binary fixtures in the repo.
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import sharp from "sharp";

export const photo = (width: number, height: number, rgb: [number, number, number] = [200, 80, 40]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });

/** Gradient plus gaussian noise: compresses like a real photo (3-6 MB at 12 MP, quality 92). */
export async function realisticJpeg(width: number, height: number, seed = 0, quality = 92): Promise<Buffer> {
  const gradient = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      gradient[i] = (x * 255) / width;
      gradient[i + 1] = (y * 255) / height;
      gradient[i + 2] = ((x + y + seed * 97) * 255) / (width + height) % 256;
    }
  }
  const noise = await sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .raw()
    .toBuffer();
  return sharp(gradient, { raw: { width, height, channels: 3 } })
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: "overlay" }])
    .jpeg({ quality })
    .toBuffer();
}

/** Inserts a JPEG APPn segment right after SOI. `data` must fit one segment (<= 65,533 bytes). */
export function withAppSegment(jpeg: Buffer, marker: number, data: Buffer): Buffer {
  if (data.length > 65_533) throw new Error("segment too long");
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, data, jpeg.subarray(2)]);
}

/** An "Exif\0\0" + little-endian TIFF block: IFD0 with Make/Model, then `junk` bytes of filler values. */
export function exifBlock(fields: { make: string; model: string }, junk: number): Buffer {
  const entries: [tag: number, value: Buffer][] = [
    [0x010f, Buffer.from(`${fields.make}\0`, "latin1")],
    [0x0110, Buffer.from(`${fields.model}\0`, "latin1")],
    [0x010e, Buffer.alloc(junk, 0x5a)], // ImageDescription, a huge "string"
  ];
  const ifdStart = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  let dataAt = ifdStart + ifdSize;
  const tiff = Buffer.alloc(dataAt + entries.reduce((n, [, v]) => n + v.length, 0));
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifdStart, 4);
  tiff.writeUInt16LE(entries.length, ifdStart);
  entries.forEach(([tag, value], i) => {
    const at = ifdStart + 2 + i * 12;
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(2, at + 2); // ASCII
    tiff.writeUInt32LE(value.length, at + 4);
    if (value.length <= 4) {
      value.copy(tiff, at + 8); // TIFF stores values of up to 4 bytes in the entry itself
      return;
    }
    tiff.writeUInt32LE(dataAt, at + 8);
    value.copy(tiff, dataAt);
    dataAt += value.length;
  });
  return Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
}

/**
 * An EXIF block built to be expensive for parsers that read every entry: ~5,400 IFD0 entries, each an ASCII or byte
 * array claiming the whole block as its value.
 */
export function hostileExifBlock(size = 65_000): Buffer {
  const tiff = Buffer.alloc(size, 0x41);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  const entries = Math.floor((size - 14) / 12);
  tiff.writeUInt16LE(entries, 8);
  for (let i = 0; i < entries; i++) {
    const at = 10 + i * 12;
    tiff.writeUInt16LE(0x8000 + i, at);
    tiff.writeUInt16LE(i % 2 ? 1 : 2, at + 2);
    tiff.writeUInt32LE(size - 100, at + 4);
    tiff.writeUInt32LE(0, at + 8);
  }
  return Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
}

/**
 * A 1-bit grayscale PNG declaring width x height of one solid colour: ~50 KB on disk for 400 megapixels.
 * Built with zlib directly so the test never allocates the pixels it claims.
 */
export function pngBomb(width: number, height: number): Buffer {
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte + packed bits
  const raw = Buffer.alloc(rowBytes * height); // all zero: filter "none", black pixels
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export * from "./heif";
export * from "./pictures";
export * from "./click-track";
export * from "./wav";

/**
 * A HEIC-branded file whose bitstream is not HEVC: sharp's AVIF output with the brands set to heic/mif1 and the image
 * item retyped hvc1 with an "hvcC" property that holds an av1C's bytes. It sniffs and parses as HEIC; decoding fails.
 */
export async function heicLike(): Promise<Buffer> {
  const avif = await photo(64, 48).heif({ compression: "av1", quality: 50 }).toBuffer();
  const out = Buffer.from(avif);
  const swap = (from: string, to: string) => {
    for (let at = out.indexOf(from, 0, "latin1"); at !== -1; at = out.indexOf(from, at + 4, "latin1")) out.write(to, at, "latin1");
  };
  swap("avif", "heic");
  swap("av01", "hvc1");
  swap("av1C", "hvcC");
  return out;
}

export const jpegHeaderThenRandom = (length: number) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0", "latin1"), randomBytes(length)]);
