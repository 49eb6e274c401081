import { PHOTO_EXTENSION_TYPES } from "@photoreel/contracts";
/** Files above this go up in parts (resumable); smaller ones in one presigned POST. */
export const MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024;
/** presignParts accepts at most this many part numbers per call. */
export const PRESIGN_BATCH = 1000;

export const useMultipart = (bytes: number) => bytes > MULTIPART_THRESHOLD_BYTES;

/** Byte range [start, end) of a 1-based part. */
export function partRange(partNumber: number, partBytes: number, fileBytes: number): { start: number; end: number } {
  if (partNumber < 1 || partBytes <= 0) throw new RangeError("part numbers start at 1 and parts have a size");
  const start = (partNumber - 1) * partBytes;
  if (start >= fileBytes && !(fileBytes === 0 && partNumber === 1)) throw new RangeError(`part ${partNumber} is beyond the end of the file`);
  return { start, end: Math.min(fileBytes, start + partBytes) };
}

export interface UploadedPart {
  partNumber: number;
  size: number;
}

/**
 * Which parts still have to be sent. A part S3 already has counts only if its size is what this file's part should be
 * (a part cut short by a dropped connection is sent again).
 */
export function missingParts(partCount: number, partBytes: number, fileBytes: number, uploaded: readonly UploadedPart[]): number[] {
  const have = new Map(uploaded.map((u) => [u.partNumber, u.size]));
  const out: number[] = [];
  for (let n = 1; n <= partCount; n++) {
    const { start, end } = partRange(n, partBytes, fileBytes);
    if (have.get(n) !== end - start) out.push(n);
  }
  return out;
}

/** Bytes already safely in S3 (parts whose size is right), for the progress bar of a resumed upload. */
export function uploadedBytes(partCount: number, partBytes: number, fileBytes: number, uploaded: readonly UploadedPart[]): number {
  const missing = new Set(missingParts(partCount, partBytes, fileBytes, uploaded));
  let total = 0;
  for (let n = 1; n <= partCount; n++) {
    if (missing.has(n)) continue;
    const { start, end } = partRange(n, partBytes, fileBytes);
    total += end - start;
  }
  return total;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What identifies "the same file" when the user picks it again after a reload. */
export interface FileIdentity {
  name: string;
  size: number;
  lastModified: number;
}
export const resumeKey = (f: FileIdentity) => `photoreel.upload:${f.name}:${f.size}:${f.lastModified}`;

export interface ResumeRecord extends FileIdentity {
  photoId: string;
  partBytes: number;
  partCount: number;
  savedAt: number;
}

/** A stored record is used only if it is well-formed, for this very file, and younger than a week. */
export function parseResumeRecord(raw: string | null, file: FileIdentity, now = Date.now()): ResumeRecord | null {
  if (!raw) return null;
  try {
    const r = JSON.parse(raw) as Partial<ResumeRecord>;
    if (typeof r.photoId !== "string" || typeof r.partBytes !== "number" || typeof r.partCount !== "number" || typeof r.savedAt !== "number") return null;
    if (r.name !== file.name || r.size !== file.size || r.lastModified !== file.lastModified) return null;
    if (now - r.savedAt > 7 * 24 * 3600 * 1000) return null;
    return r as ResumeRecord;
  } catch {
    return null;
  }
}

/**
 * Upload speed over a sliding window of recent samples, so a stall shows up quickly and a burst does not
 * make the figure jump.
 */
export class SpeedMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 3000) {}

  /** `bytes` is the running total sent so far. */
  add(t: number, bytes: number): void {
    this.samples.push({ t, bytes });
    const cutoff = t - this.windowMs;
    while (this.samples.length > 2 && this.samples[0]!.t < cutoff) this.samples.shift();
  }

  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t <= first.t) return 0;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.t - first.t));
  }

  reset(): void {
    this.samples = [];
  }
}

/** Content type for a picked file: the browser's guess, or one from the extension when the browser has none. */
export function guessContentType(name: string, browserType: string): string {
  if (browserType) return browserType;
  const ext = name.toLowerCase().split(".").pop() ?? "";
  const map: Record<string, string> = {
    ...PHOTO_EXTENSION_TYPES,
    mp3: "audio/mpeg", m4a: "audio/mp4", aac: "audio/aac", wav: "audio/wav", ogg: "audio/ogg",
  };
  return map[ext] ?? "application/octet-stream";
}
