import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { renderProfile, type RenderMessage } from "@photoreel/contracts";
import { keys, uuidv7, type BlobStore, type Clock, type VideoJob, type VideoJobStore } from "@photoreel/core";
import { RenderInputError, renderVideo } from "@photoreel/render";
import type { Logger } from "pino";
import { emitMetric } from "./metrics";

const PROGRESS_EVERY_MS = 1_000;

export interface RenderJobDeps {
  jobs: VideoJobStore;
  blobs: BlobStore;
  clock: Clock;
  log: Logger;
  workerId: string;
  /** A heartbeat older than this means the worker holding the job is gone. */
  staleAfterMs: number;
  tmpRoot?: string;
}

export type RenderOutcome = "ready" | "failed" | "canceled" | "skipped";

/** Thrown when the worker is shutting down mid-render: the caller releases the message to another worker. */
export class ShutdownError extends Error {}

/**
 * Renders one job. Returns when the message can be acknowledged (done, failed for good, canceled, or nothing to do);
 * throws on transient errors so the queue redelivers. Every status write is conditional on this worker's lease,
 * so duplicates, redeliveries and takeovers never render twice into two outputs or move a finished job backwards.
 */
export async function renderJob(d: RenderJobDeps, msg: RenderMessage, opts: { shutdown: AbortSignal }): Promise<RenderOutcome> {
  const log = d.log.child({ videoId: msg.videoId, ownerId: msg.ownerId, attempt: msg.attempt });
  const job = await d.jobs.get(msg.ownerId, msg.videoId);
  if (!job) return skip(log, "job no longer exists");
  if (msg.attempt !== job.attempt) return skip(log, "message is for an earlier attempt");
  if (job.status === "READY" || job.status === "FAILED" || job.status === "CANCELED") return skip(log, `job already ${job.status}`);

  const now = () => d.clock.now().toISOString();
  const leaseId = uuidv7();
  let claimed: VideoJob | null = null;
  if (job.status === "QUEUED") {
    if (job.cancelRequested) {
      await d.jobs.transition(job.ownerId, job.videoId, { from: ["QUEUED"], to: "CANCELED", attempt: job.attempt, set: { finishedAt: now() } });
      return "canceled";
    }
    claimed = await d.jobs.transition(job.ownerId, job.videoId, {
      from: ["QUEUED"], to: "RENDERING", attempt: job.attempt, leaseId: job.leaseId,
      set: { leaseId, startedAt: now(), heartbeatAt: now(), progress: 0, etaSeconds: null },
    });
  } else {
    // RENDERING: someone holds it. Take over only if its heartbeat stopped (that worker died).
    const beat = job.heartbeatAt ? Date.parse(job.heartbeatAt) : 0;
    if (d.clock.now().getTime() - beat < d.staleAfterMs) return skip(log, "another worker is rendering it");
    claimed = await d.jobs.transition(job.ownerId, job.videoId, {
      from: ["RENDERING"], to: "RENDERING", attempt: job.attempt, leaseId: job.leaseId,
      set: { leaseId, heartbeatAt: now(), progress: 0, etaSeconds: null },
    });
    if (claimed) log.warn({ previousLease: job.leaseId }, "took over a job whose worker stopped");
  }
  if (!claimed) return skip(log, "another worker claimed it first");

  const started = Date.now();
  const cancel = new AbortController();
  const onShutdown = () => cancel.abort(new ShutdownError("worker shutting down"));
  opts.shutdown.addEventListener("abort", onShutdown, { once: true });
  const workDir = await mkdtemp(join(d.tmpRoot ?? tmpdir(), `render-${job.videoId}-`));
  const videoKey = keys.video(job.ownerId, job.videoId);
  const posterKey = keys.poster(job.ownerId, job.videoId);
  const fence = { from: ["RENDERING" as const], attempt: job.attempt, leaseId };
  let lastWrite = 0;
  let canceledByUser = false;

  try {
    const photos = await downloadInputs(d.blobs, claimed, workDir);
    const audioPath = claimed.spec.music ? await downloadAudio(d.blobs, claimed, workDir) : undefined;
    const profile = renderProfile(claimed.spec, { preview: claimed.kind === "preview" });
    const out = await renderVideo({
      spec: claimed.spec,
      profile,
      photos,
      ...(audioPath ? { audioPath } : {}),
      workDir: join(workDir, "render"),
      signal: cancel.signal,
      onProgress: ({ percent, etaSeconds }) => {
        const t = Date.now();
        if (t - lastWrite < PROGRESS_EVERY_MS) return;
        lastWrite = t;
        void d.jobs
          .updateProgress(job.ownerId, job.videoId, leaseId, { progress: Math.min(99, Math.round(percent)), etaSeconds })
          .then((r) => {
            if (!r.ok || r.cancelRequested) {
              canceledByUser = true;
              cancel.abort(new Error("canceled"));
            }
          })
          .catch((err: unknown) => log.warn({ err }, "progress write failed"));
      },
    });
    await d.blobs.put(videoKey, createReadStream(out.videoPath), "video/mp4");
    await d.blobs.put(posterKey, createReadStream(out.posterPath), "image/jpeg");
    const renderSeconds = (Date.now() - started) / 1000;
    const done = await d.jobs.transition(job.ownerId, job.videoId, {
      ...fence, to: "READY",
      set: {
        progress: 100, etaSeconds: 0, finishedAt: now(), renderSeconds, leaseId: null,
        output: { videoKey, posterKey, bytes: out.bytes, durationSeconds: out.durationSeconds, width: out.width, height: out.height },
      },
    });
    if (!done) {
      // Canceled or deleted while we uploaded: the job does not want this output.
      await d.blobs.delete([videoKey, posterKey]);
      return finishCanceled(d, job, leaseId, log);
    }
    emitMetric(log, { RenderSucceeded: 1, RenderDurationSeconds: renderSeconds }, { Kind: job.kind });
    log.info({ renderSeconds, bytes: out.bytes }, "render ready");
    return "ready";
  } catch (err) {
    if (cancel.signal.aborted && cancel.signal.reason instanceof ShutdownError) {
      // Give the job back: QUEUED under the same attempt so the redelivered message can claim it at once.
      await d.jobs.transition(job.ownerId, job.videoId, { ...fence, to: "QUEUED", set: { leaseId: null, progress: 0, etaSeconds: null, heartbeatAt: null } }).catch(() => null);
      throw cancel.signal.reason;
    }
    if (canceledByUser || (await isCancelRequested(d, job))) {
      await d.blobs.delete([videoKey, posterKey]).catch(() => {});
      return finishCanceled(d, job, leaseId, log);
    }
    if (err instanceof RenderInputError) {
      await d.jobs.transition(job.ownerId, job.videoId, { ...fence, to: "FAILED", set: { error: err.message, finishedAt: now(), leaseId: null } });
      emitMetric(log, { RenderFailed: 1 }, { Kind: job.kind });
      log.warn({ reason: err.message }, "render failed: bad input");
      return "failed";
    }
    // Transient (S3, DynamoDB, FFmpeg crash): release the job and let the queue redeliver; the DLQ ends it.
    await d.jobs.transition(job.ownerId, job.videoId, { ...fence, to: "QUEUED", set: { leaseId: null, heartbeatAt: null } }).catch(() => null);
    throw err;
  } finally {
    opts.shutdown.removeEventListener("abort", onShutdown);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function isCancelRequested(d: RenderJobDeps, job: VideoJob) {
  const j = await d.jobs.get(job.ownerId, job.videoId).catch(() => null);
  return !j || j.cancelRequested || j.status === "CANCELED";
}

async function finishCanceled(d: RenderJobDeps, job: VideoJob, leaseId: string, log: Logger): Promise<RenderOutcome> {
  await d.jobs.transition(job.ownerId, job.videoId, {
    from: ["RENDERING"], to: "CANCELED", attempt: job.attempt, leaseId,
    set: { finishedAt: d.clock.now().toISOString(), leaseId: null, etaSeconds: null },
  });
  log.info("render canceled");
  return "canceled";
}

function skip(log: Logger, why: string): RenderOutcome {
  log.info({ why }, "message acknowledged without rendering");
  return "skipped";
}

/** Streams each distinct photo once to the temp dir; a missing photo is the user's to fix, not a retry. */
async function downloadInputs(blobs: BlobStore, job: VideoJob, dir: string): Promise<string[]> {
  await mkdir(join(dir, "in"), { recursive: true });
  const paths = new Map<string, string>();
  const ids = [...new Set(job.spec.slides.map((s) => s.photoId))];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const key = keys.photoOriginal(job.ownerId, id);
      const head = await blobs.head(key);
      if (!head) {
        const n = job.spec.slides.findIndex((s) => s.photoId === id) + 1;
        throw new RenderInputError(`Photo ${n} was deleted after the video was requested. Remove it and create the video again.`, { photoIndex: n - 1 });
      }
      const path = join(dir, "in", id);
      await pipeline(await blobs.getStream(key), createWriteStream(path));
      paths.set(id, path);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return job.spec.slides.map((s) => paths.get(s.photoId)!);
}

async function downloadAudio(blobs: BlobStore, job: VideoJob, dir: string): Promise<string> {
  const key = keys.audioOriginal(job.ownerId, job.spec.music!.audioId);
  if (!(await blobs.head(key))) throw new RenderInputError("The music track was deleted. Choose another track and create the video again.");
  const path = join(dir, "music");
  await pipeline(await blobs.getStream(key), createWriteStream(path));
  return path;
}
