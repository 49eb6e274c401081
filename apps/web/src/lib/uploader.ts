import type { PhotoView } from "@photoreel/contracts";
import { errorCode, errorMessage } from "./errors";
import { api } from "./trpc";
import {
  chunk, guessContentType, missingParts, parseResumeRecord, partRange, PRESIGN_BATCH, resumeKey,
  SpeedMeter, uploadedBytes, useMultipart, type ResumeRecord,
} from "./upload-plan";
import { XhrError, xhrSend } from "./xhr";

export type UploadStatus = "queued" | "uploading" | "finishing" | "processing" | "ready" | "rejected" | "failed" | "canceled";

export interface UploadItem {
  key: string;
  file: File;
  status: UploadStatus;
  /** Bytes sent (including parts that were already in storage when resuming). */
  sent: number;
  bytesPerSecond: number;
  message: string | null;
  photoId: string | null;
  multipart: boolean;
  resumed: boolean;
}

const FILE_CONCURRENCY = 3;
/** How often photos being processed (thumbnails, metadata) are checked on. */
const PROCESSING_POLL_MS = 1500;
const PART_CONCURRENCY = 3;
const PART_ATTEMPTS = 3;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Work-in-progress uploads, outside React so they survive route changes. Components subscribe to it. */
class UploadQueue {
  private items: UploadItem[] = [];
  private listeners = new Set<() => void>();
  private controllers = new Map<string, AbortController>();
  private running = 0;
  private seq = 0;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  /** Called when a photo is created or changes state, so the library can refetch. */
  onPhotoChange: () => void = () => {};

  constructor() {
    if (typeof window !== "undefined") {
      // Back online: resume what the drop interrupted.
      window.addEventListener("online", () => {
        for (const it of this.items) if (it.status === "failed" && it.multipart) this.retry(it.key);
      });
    }
  }

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  snapshot = () => this.items;

  private patch(key: string, p: Partial<UploadItem>) {
    this.items = this.items.map((it) => (it.key === key ? { ...it, ...p } : it));
    this.listeners.forEach((l) => l());
    if (p.status === "processing") this.schedulePoll();
  }
  private get(key: string) {
    return this.items.find((i) => i.key === key);
  }

  add(files: File[]) {
    const added: UploadItem[] = files.map((file) => ({
      key: `u${++this.seq}`, file, status: "queued", sent: 0, bytesPerSecond: 0, message: null, photoId: null,
      multipart: useMultipart(file.size), resumed: false,
    }));
    this.items = [...added, ...this.items];
    this.listeners.forEach((l) => l());
    this.pump();
  }

  retry(key: string) {
    const it = this.get(key);
    if (!it || (it.status !== "failed" && it.status !== "canceled")) return;
    this.patch(key, { status: "queued", message: null, bytesPerSecond: 0 });
    this.pump();
  }

  async cancel(key: string) {
    const it = this.get(key);
    if (!it || !["queued", "uploading", "failed"].includes(it.status)) return;
    this.controllers.get(key)?.abort();
    this.patch(key, { status: "canceled", message: "Canceled", bytesPerSecond: 0 });
    if (it.multipart && it.photoId) {
      localStorage.removeItem(resumeKey(it.file));
      await api.photos.abortMultipart.mutate({ id: it.photoId }).catch(() => {});
      this.patch(key, { photoId: null, sent: 0 });
    }
  }

  /** On sign-out: stop everything in flight (multipart uploads stay resumable) and forget this session's list. */
  reset() {
    for (const c of this.controllers.values()) c.abort();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.items = [];
    this.listeners.forEach((l) => l());
  }

  dismiss(key: string) {
    this.items = this.items.filter((i) => i.key !== key);
    this.listeners.forEach((l) => l());
  }

  /** Finished uploads leave the list on their own (the tray calls this a moment after a batch ends). */
  clearFinished() {
    this.items = this.items.filter((i) => i.status !== "ready" && i.status !== "canceled");
    this.listeners.forEach((l) => l());
  }

  private photoUpdated(p: Pick<PhotoView, "id" | "status" | "rejectReason">) {
    const it = this.items.find((i) => i.photoId === p.id && i.status === "processing");
    if (!it) return;
    if (p.status === "ready") this.patch(it.key, { status: "ready", message: null });
    if (p.status === "rejected") this.patch(it.key, { status: "rejected", message: p.rejectReason ?? "This file was rejected" });
  }

  /** While photos are being processed, ask which are still at it; the ones that are not are read once for their outcome. */
  private schedulePoll() {
    if (this.pollTimer || !this.items.some((i) => i.status === "processing")) return;
    this.pollTimer = setTimeout(() => {
      void this.pollProcessing().finally(() => {
        this.pollTimer = null;
        this.schedulePoll();
      });
    }, PROCESSING_POLL_MS);
  }

  private async pollProcessing() {
    const waiting = this.items.filter((i) => i.status === "processing" && i.photoId);
    if (!waiting.length) return;
    try {
      const still = await api.photos.list.query({ status: "processing", limit: 100 });
      const busy = new Set(still.items.map((p) => p.id));
      // More than a page still processing: only those seen finished can be concluded about; the rest wait.
      const finished = still.nextCursor ? [] : waiting.filter((i) => !busy.has(i.photoId!));
      const outcomes = await Promise.all(finished.map((i) => api.photos.get.query({ id: i.photoId! }).catch(() => null)));
      for (const p of outcomes) if (p) this.photoUpdated(p);
      if (outcomes.some(Boolean)) this.onPhotoChange();
    } catch {
      // The next poll tries again.
    }
  }

  private pump() {
    while (this.running < FILE_CONCURRENCY) {
      const next = this.items.findLast((i) => i.status === "queued");
      if (!next) return;
      this.running++;
      this.patch(next.key, { status: "uploading", message: null });
      void this.run(next.key).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(key: string) {
    const ctrl = new AbortController();
    this.controllers.set(key, ctrl);
    try {
      const it = this.get(key)!;
      const photo = it.multipart ? await this.uploadMultipart(key, ctrl.signal) : await this.uploadSingle(key, ctrl.signal);
      if (!photo) return;
      if (photo.status === "rejected") this.patch(key, { status: "rejected", message: photo.rejectReason ?? "This file was rejected", bytesPerSecond: 0 });
      else this.patch(key, { status: photo.status === "ready" ? "ready" : "processing", bytesPerSecond: 0, message: null });
      this.onPhotoChange();
    } catch (e) {
      if (ctrl.signal.aborted) return;
      const msg = e instanceof XhrError ? `${e.message}.` : errorMessage(e);
      const it = this.get(key);
      const hint = it?.multipart ? " Retry resumes where it stopped." : "";
      this.patch(key, { status: "failed", message: `${msg}${hint}`, bytesPerSecond: 0 });
    } finally {
      this.controllers.delete(key);
    }
  }

  private async uploadSingle(key: string, signal: AbortSignal): Promise<PhotoView | null> {
    const { file } = this.get(key)!;
    const res = await api.photos.createUploads.mutate({ files: [{ filename: file.name, contentType: guessContentType(file.name, file.type), bytes: file.size }] });
    const r = res.results[0];
    if (!r) throw new Error("The server did not answer for this file");
    if (!r.ok) {
      this.patch(key, { status: "rejected", message: r.reason });
      return null;
    }
    this.patch(key, { photoId: r.photoId });
    this.onPhotoChange();
    const form = new FormData();
    for (const [k, v] of Object.entries(r.upload.fields)) form.append(k, v);
    form.append("file", file);
    const meter = new SpeedMeter();
    meter.add(performance.now(), 0);
    await xhrSend("POST", r.upload.url, form, {
      signal,
      onProgress: (loaded) => {
        meter.add(performance.now(), loaded);
        // The multipart envelope makes `loaded` a little larger than the file.
        this.patch(key, { sent: Math.min(file.size, loaded), bytesPerSecond: meter.bytesPerSecond() });
      },
    });
    this.patch(key, { status: "finishing", sent: file.size });
    return api.photos.completeUpload.mutate({ id: r.photoId });
  }

  private async uploadMultipart(key: string, signal: AbortSignal): Promise<PhotoView | null> {
    const { file } = this.get(key)!;
    const storeKey = resumeKey(file);
    let rec = parseResumeRecord(localStorage.getItem(storeKey), file);
    let presigned: Awaited<ReturnType<typeof api.photos.presignParts.mutate>>[] = [];
    const presignAll = async (r: ResumeRecord) => {
      const numbers = Array.from({ length: r.partCount }, (_, i) => i + 1);
      return Promise.all(chunk(numbers, PRESIGN_BATCH).map((partNumbers) => api.photos.presignParts.mutate({ id: r.photoId, partNumbers })));
    };
    if (rec) {
      try {
        presigned = await presignAll(rec);
        this.patch(key, { resumed: true });
      } catch (e) {
        // The earlier upload was completed, canceled or cleaned up: start over.
        if (!["PRECONDITION_FAILED", "NOT_FOUND"].includes(errorCode(e) ?? "")) throw e;
        localStorage.removeItem(storeKey);
        rec = null;
      }
    }
    if (!rec) {
      const created = await api.photos.createMultipart.mutate({ filename: file.name, contentType: guessContentType(file.name, file.type), bytes: file.size });
      rec = { name: file.name, size: file.size, lastModified: file.lastModified, photoId: created.photoId, partBytes: created.partBytes, partCount: created.partCount, savedAt: Date.now() };
      localStorage.setItem(storeKey, JSON.stringify(rec));
      this.onPhotoChange();
      presigned = await presignAll(rec);
    }
    const r = rec;
    this.patch(key, { photoId: r.photoId });
    const uploaded = presigned[0]?.uploaded ?? [];
    const urls = new Map(presigned.flatMap((p) => p.parts).map((p) => [p.partNumber, p.url]));
    const todo = missingParts(r.partCount, r.partBytes, file.size, uploaded);
    const base = uploadedBytes(r.partCount, r.partBytes, file.size, uploaded);
    const inFlight = new Map<number, number>();
    const meter = new SpeedMeter();
    const report = () => {
      const sent = base + [...inFlight.values()].reduce((a, b) => a + b, 0);
      meter.add(performance.now(), sent);
      this.patch(key, { sent, bytesPerSecond: meter.bytesPerSecond() });
    };
    report();

    // One failed part stops its siblings, so a retry never races a part still in flight.
    const parts = new AbortController();
    signal.addEventListener("abort", () => parts.abort(), { once: true });
    let done = 0;
    const sendPart = async (n: number) => {
      const { start, end } = partRange(n, r.partBytes, file.size);
      const url = urls.get(n);
      if (!url) throw new Error(`No upload link for part ${n}`);
      for (let attempt = 1; ; attempt++) {
        try {
          await xhrSend("PUT", url, file.slice(start, end), { signal: parts.signal, onProgress: (loaded) => (inFlight.set(n, loaded), report()) });
          inFlight.set(n, end - start);
          done++;
          report();
          return;
        } catch (e) {
          inFlight.set(n, 0);
          if (parts.signal.aborted || attempt >= PART_ATTEMPTS) throw e;
          await sleep(1000 * attempt, parts.signal);
        }
      }
    };
    const queue = [...todo];
    const workers = Array.from({ length: Math.min(PART_CONCURRENCY, queue.length) }, async () => {
      for (let n = queue.shift(); n !== undefined && !parts.signal.aborted; n = queue.shift()) await sendPart(n);
    });
    await Promise.all(workers).catch((e: unknown) => {
      parts.abort();
      throw e;
    });
    if (done < todo.length) return null;
    this.patch(key, { status: "finishing", sent: file.size });
    const photo = await api.photos.completeMultipart.mutate({ id: r.photoId });
    localStorage.removeItem(storeKey);
    return photo;
  }
}

export const uploads = new UploadQueue();

/** Interrupted large uploads remembered from an earlier visit (the user re-picks the file to resume). */
export function pendingResumes(): ResumeRecord[] {
  const out: ResumeRecord[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!k?.startsWith("photoreel.upload:")) continue;
    try {
      const r = JSON.parse(localStorage.getItem(k) ?? "") as ResumeRecord;
      if (parseResumeRecord(localStorage.getItem(k), r)) out.push(r);
      else localStorage.removeItem(k);
    } catch {
      localStorage.removeItem(k);
    }
  }
  return out;
}

export async function discardResume(r: ResumeRecord) {
  localStorage.removeItem(resumeKey(r));
  await api.photos.abortMultipart.mutate({ id: r.photoId }).catch(() => {});
}
