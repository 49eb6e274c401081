export interface ExifFields {
  takenAt: Date | null;
  cameraMake: string | null;
  cameraModel: string | null;
}

const NONE: ExifFields = { takenAt: null, cameraMake: null, cameraModel: null };

/** Past this the block is not a camera's EXIF (a JPEG APP1 segment tops out at 64 KiB; PNG/WebP chunks do not). */
export const MAX_EXIF_BYTES = 256 * 1024;
const MAX_ENTRIES = 1024; // real IFDs hold tens of entries
const MAX_VALUE_BYTES = 128; // longer values are read no further: we keep 64 characters at most

const TAGS = { make: 0x010f, model: 0x0110, exifIfd: 0x8769, dateTimeOriginal: 0x9003, offsetTimeOriginal: 0x9011 } as const;

/**
 * Reads Make, Model, DateTimeOriginal and OffsetTimeOriginal from sharp's `metadata().exif` ("Exif\0\0" + TIFF).
 *
 * A deliberately tiny reader rather than a library, because the cost must be bounded on hostile input: it visits at
 * most 1,024 entries in IFD0 and the Exif IFD and reads at most 128 bytes of each wanted value, whatever the block
 * claims. Measured on one 64 KB block of ~5,400 entries that each claim the whole block as their value:
 * exif-reader 2.0.3 took 20 s and 3.4 GB RSS, exifr 7.1.3 (with `pick`) 6.8 s, exifreader 4.46 (with `includeTags`)
 * 0.37 s but has an install script pnpm refuses without a workspace `allowBuilds` entry. Garbage yields nulls.
 */
export function readExifFields(exif: Buffer | undefined): ExifFields {
  if (!exif || exif.length < 14 || exif.length > MAX_EXIF_BYTES) return NONE;
  const tiff = exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? exif.subarray(6) : exif;
  const order = tiff.subarray(0, 2).toString("latin1");
  if (order !== "II" && order !== "MM") return NONE;
  const le = order === "II";
  const u16 = (at: number) => (at >= 0 && at + 2 <= tiff.length ? (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at)) : -1);
  const u32 = (at: number) => (at >= 0 && at + 4 <= tiff.length ? (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at)) : -1);
  if (u16(2) !== 42) return NONE;

  const found = new Map<number, string>();
  let exifIfd = -1;
  const readIfd = (offset: number) => {
    const count = Math.min(u16(offset), MAX_ENTRIES);
    for (let i = 0; i < count; i++) {
      const entry = offset + 2 + i * 12;
      const tag = u16(entry);
      const type = u16(entry + 2);
      const n = u32(entry + 4);
      if (tag < 0 || type < 0 || n < 0) return;
      if (tag === TAGS.exifIfd && (type === 4 || type === 13)) exifIfd = u32(entry + 8);
      const wanted = tag === TAGS.make || tag === TAGS.model || tag === TAGS.dateTimeOriginal || tag === TAGS.offsetTimeOriginal;
      if (!wanted || type !== 2 || found.has(tag)) continue; // type 2 = ASCII
      const at = n <= 4 ? entry + 8 : u32(entry + 8);
      if (at < 0 || at >= tiff.length) continue;
      const bytes = tiff.subarray(at, Math.min(at + n, at + MAX_VALUE_BYTES, tiff.length));
      const nul = bytes.indexOf(0);
      found.set(tag, new TextDecoder().decode(nul === -1 ? bytes : bytes.subarray(0, nul)));
    }
  };
  readIfd(u32(4));
  if (exifIfd > 0) readIfd(exifIfd);

  return {
    takenAt: parseExifDate(found.get(TAGS.dateTimeOriginal), found.get(TAGS.offsetTimeOriginal)),
    cameraMake: cleanText(found.get(TAGS.make)),
    cameraModel: cleanText(found.get(TAGS.model)),
  };
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/;
const EXIF_OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/** "YYYY:MM:DD HH:MM:SS" as UTC, shifted by OffsetTimeOriginal ("+02:00") when that is present and valid. */
export function parseExifDate(value: unknown, offset: unknown): Date | null {
  if (typeof value !== "string") return null;
  const m = EXIF_DATE.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1826 || year > 2200 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return null; // 2023:02:31 and the like
  const o = typeof offset === "string" ? EXIF_OFFSET.exec(offset.trim()) : null;
  if (!o) return new Date(ms);
  const minutes = Number(o[2]) * 60 + Number(o[3]);
  if (minutes > 14 * 60) return new Date(ms);
  return new Date(ms - (o[1] === "-" ? -1 : 1) * minutes * 60_000);
}

/** Trimmed, at most 64 characters; null when absent, empty or not printable text. */
export function cleanText(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.replace(/\0+$/, "").trim();
  if (text === "" || /[\u0000-\u001f\u007f\ufffd]/.test(text)) return null;
  return text.length > 64 ? text.slice(0, 64).trimEnd() : text;
}

/**
 * EXIF Orientation (IFD0 tag 0x0112) 1-8, or null. libvips reports it for JPEG/PNG/WebP but drops it for HEIF (where
 * irot/imir are the normative transforms), so the HEIC path reads it here to apply it when the file has no transforms.
 */
export function readExifOrientation(exif: Buffer | undefined): number | null {
  if (!exif || exif.length < 14 || exif.length > MAX_EXIF_BYTES) return null;
  const tiff = exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? exif.subarray(6) : exif;
  const order = tiff.subarray(0, 2).toString("latin1");
  if ((order !== "II" && order !== "MM") || tiff.length < 8) return null;
  const le = order === "II";
  const u16 = (at: number) => (at >= 0 && at + 2 <= tiff.length ? (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at)) : -1);
  const ifd = le ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
  const count = Math.min(u16(ifd), MAX_ENTRIES);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}
