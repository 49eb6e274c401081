import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { RenderMessage } from "@photoreel/contracts";
import { keys, uuidv7, type BlobStore, type Clock, type VideoJob, type VideoJobStore } from "@photoreel/core";
import { AUDIO_DEMUXER, SNIFF_BYTES, sniffAudioType, type PhotoLimits } from "@photoreel/images";
import { inSpan, RenderBudgetError, RenderInputError, renderProfile, renderVideo } from "@photoreel/render";
import type { Logger } from "pino";
import { behindCap, capWait, type FairShare } from "./fair-share";
import { emitMetric } from "./metrics";

/** The job's heartbeat: progress, liveness and a look for a cancel request, on a timer whatever step is running. */
const HEARTBEAT_EVERY_MS = 1_000;

export interface RenderJobDeps {
  jobs: VideoJobStore;
  blobs: BlobStore;
  clock: Clock;
  log: Logger;
  workerId: string;
  /** A heartbeat older than this means the worker holding the job is gone. */
  staleAfterMs: number;
  /** Stretches every FFmpeg run's time budget (RENDER_TIME_BUDGET_SCALE). */
  budgetScale?: number;
  /** How often the job's heartbeat is written; HEARTBEAT_EVERY_MS unless a test needs another. */
  heartbeatMs?: number;
  tmpRoot?: string;
  /** The thumbnailer's photo limits: a photo swapped after it was checked fails the render with the same reason. */
  photoLimits?: PhotoLimits;
  /** The per-user in-flight cap (RENDER_MAX_PER_USER); none when absent. */
  fairShare?: FairShare;
}

/**
 * How a message ended. Deferred: the owner is at the in-flight cap; the job stays QUEUED and its message is sent
 * again after `deferredSeconds`.
 */
export type RenderOutcome = "ready" | "failed" | "canceled" | "skipped" | { deferredSeconds: number };

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
    const wait = await capWait(d.fairShare, job);
    if (wait !== null) return defer(d, job, wait, log);
    claimed = await d.jobs.transition(job.ownerId, job.videoId, {
      from: ["QUEUED"], to: "RENDERING", attempt: job.attempt, leaseId: job.leaseId,
      set: { leaseId, startedAt: now(), heartbeatAt: now(), progress: 0, etaSeconds: null },
    });
    const behind = claimed ? await behindCap(d.fairShare, claimed) : null;
    if (behind !== null) {
      const back = await d.jobs.transition(job.ownerId, job.videoId, {
        from: ["RENDERING"], to: "QUEUED", attempt: job.attempt, leaseId,
        set: { leaseId: null, startedAt: null, heartbeatAt: null },
      });
      return back ? defer(d, back, behind, log) : skip(log, "the job moved on while it stepped back under the per-user cap");
    }
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
  let canceledByUser = false;
  // Driven by a timer, not by FFmpeg's progress lines: downloads, the pre-scale, every FFmpeg run, the mux and
  // the uploads all keep the job alive, and a cancel stops whichever of them is running.
  const latest: { progress: number; etaSeconds: number | null } = { progress: 0, etaSeconds: null };
  let beating: Promise<void> | null = null;
  const writeHeartbeat = () => {
    if (beating || cancel.signal.aborted) return;
    beating = d.jobs
      .updateProgress(job.ownerId, job.videoId, leaseId, latest)
      .then((r) => {
        if (!r.ok || r.cancelRequested) {
          canceledByUser = true;
          cancel.abort(new Error("canceled"));
        }
      })
      .catch((err: unknown) => log.warn({ err }, "heartbeat write failed"))
      .finally(() => (beating = null));
  };
  const heartbeat = setInterval(writeHeartbeat, d.heartbeatMs ?? HEARTBEAT_EVERY_MS);
  const { signal } = cancel;

  try {
    const traced = { "photoreel.video_id": job.videoId };
    let t0 = Date.now();
    const { photos, audio } = await inSpan("download", traced, async () => ({
      photos: await downloadInputs(d.blobs, claimed, workDir, signal),
      audio: claimed.spec.music ? await downloadAudio(d.blobs, claimed, workDir, signal) : undefined,
    }));
    const downloadSeconds = (Date.now() - t0) / 1000;
    const profile = renderProfile(claimed.spec, { preview: claimed.kind === "preview" });
    const out = await renderVideo({
      spec: claimed.spec,
      profile,
      photos,
      ...(audio ? { audioPath: audio.path, audioFormat: audio.format } : {}),
      workDir: join(workDir, "render"),
      signal,
      budgetScale: d.budgetScale ?? 1,
      ...(d.photoLimits ? { photoLimits: d.photoLimits } : {}),
      onProgress: ({ percent, etaSeconds }) => {
        latest.progress = Math.min(99, Math.round(percent));
        latest.etaSeconds = etaSeconds;
      },
    });
    t0 = Date.now();
    await inSpan("upload", { ...traced, "photoreel.bytes": out.bytes }, async () => {
      await d.blobs.put(videoKey, createReadStream(out.videoPath), "video/mp4", { signal });
      await d.blobs.put(posterKey, createReadStream(out.posterPath), "image/jpeg", { signal });
    });
    const uploadSeconds = (Date.now() - t0) / 1000;
    clearInterval(heartbeat);
    await beating;
    const renderSeconds = (Date.now() - started) / 1000;
    const done = await d.jobs.transition(job.ownerId, job.videoId, {
      ...fence, to: "READY",
      set: {
        progress: 100, etaSeconds: 0, finishedAt: now(), renderSeconds, leaseId: null,
        // The same figures as the Stage*Seconds metrics below, kept per job for the admin panel.
        stageSeconds: {
          download: downloadSeconds, prescale: out.stageSeconds.prescale, draw: out.stageSeconds.draw,
          encode: out.stageSeconds.encode, join: out.stageSeconds.join, upload: uploadSeconds,
        },
        output: { videoKey, posterKey, bytes: out.bytes, durationSeconds: out.durationSeconds, width: out.width, height: out.height },
      },
    });
    if (!done) {
      // Canceled or deleted while we uploaded: the job does not want this output.
      await d.blobs.delete([videoKey, posterKey]);
      return finishCanceled(d, job, leaseId, log);
    }
    const st = out.stageSeconds;
    emitMetric(
      log,
      {
        RenderSucceeded: 1, RenderDurationSeconds: renderSeconds,
        StageDownloadSeconds: downloadSeconds, StagePrescaleSeconds: st.prescale, StageDrawSeconds: st.draw,
        StageEncodeSeconds: st.encode, StageJoinSeconds: st.join, StageUploadSeconds: uploadSeconds,
      },
      { Kind: job.kind },
    );
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
      // Bad input, or an FFmpeg run past its time budget: final, never retried into a loop.
      await d.jobs.transition(job.ownerId, job.videoId, { ...fence, to: "FAILED", set: { error: err.message, errorField: errorField(err), finishedAt: now(), leaseId: null } });
      emitMetric(log, { RenderFailed: 1 }, { Kind: job.kind });
      log.warn({ reason: err.message, kind: err.name }, err instanceof RenderBudgetError ? "render failed: over its time budget" : "render failed: bad input");
      return "failed";
    }
    // Transient (S3, DynamoDB, FFmpeg crash): release the job and let the queue redeliver; the DLQ ends it.
    await d.jobs.transition(job.ownerId, job.videoId, { ...fence, to: "QUEUED", set: { leaseId: null, heartbeatAt: null } }).catch(() => null);
    throw err;
  } finally {
    clearInterval(heartbeat);
    await beating;
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

/** Leaves the job QUEUED, marked as just sent (the sweeper must not send a second copy); the caller re-sends. */
async function defer(d: RenderJobDeps, job: VideoJob, seconds: number, log: Logger): Promise<RenderOutcome> {
  await d.jobs.transition(job.ownerId, job.videoId, { from: ["QUEUED"], to: "QUEUED", attempt: job.attempt, set: { enqueuedAt: d.clock.now().toISOString() } });
  log.debug({ seconds }, "owner at the per-user render cap: message put back");
  return { deferredSeconds: seconds };
}

function skip(log: Logger, why: string): RenderOutcome {
  log.info({ why }, "message acknowledged without rendering");
  return "skipped";
}

/** Streams each distinct photo once to the temp dir; a missing photo is the user's to fix, not a retry. */
const MUSIC_FIELD = "music.audioId";

/** The spec field a bad-input failure is about, for the composer to highlight: the music, or the photo's slide. */
function errorField(err: RenderInputError): string | null {
  if (err.field) return err.field;
  return err.photoIndex ? `slides.${err.photoIndex - 1}.photoId` : null;
}

async function downloadInputs(blobs: BlobStore, job: VideoJob, dir: string, signal: AbortSignal): Promise<string[]> {
  await mkdir(join(dir, "in"), { recursive: true });
  const paths = new Map<string, string>();
  const ids = [...new Set(job.spec.slides.map((s) => s.photoId))];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      // The bytes the thumbnailer checked, never the upload key a form can still write to.
      const key = keys.photoChecked(job.ownerId, id);
      const head = await blobs.head(key);
      if (!head) {
        const n = job.spec.slides.findIndex((s) => s.photoId === id) + 1;
        // Uploaded before upload pinning and not re-checked yet by the backfill: not lost, but not renderable yet.
        if (await blobs.head(keys.photoOriginal(job.ownerId, id)))
          throw new RenderInputError(`Photo ${n} is waiting to be re-checked after an update. Try again in a few minutes; if it keeps failing, upload that photo again and use the new copy.`, { photoIndex: n });
        throw new RenderInputError(`Photo ${n} was deleted after the video was requested. Remove it and create the video again.`, { photoIndex: n });
      }
      const path = join(dir, "in", id);
      await pipeline(await blobs.getStream(key, { signal }), createWriteStream(path), { signal });
      paths.set(id, path);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return job.spec.slides.map((s) => paths.get(s.photoId)!);
}

/** The music file and the demuxer FFmpeg must read it with (from its first bytes: never guessed by FFmpeg). */
async function downloadAudio(blobs: BlobStore, job: VideoJob, dir: string, signal: AbortSignal): Promise<{ path: string; format: string }> {
  // The bytes audio.completeUpload probed, never the upload key a form can still write to.
  const key = keys.audioChecked(job.ownerId, job.spec.music!.audioId);
  if (!(await blobs.head(key))) {
    if (await blobs.head(keys.audioOriginal(job.ownerId, job.spec.music!.audioId)))
      throw new RenderInputError("The music track is waiting to be re-checked after an update. Try again in a few minutes; if it keeps failing, upload the track again and choose the new copy.", { field: MUSIC_FIELD });
    throw new RenderInputError("The music track was deleted. Choose another track and create the video again.", { field: MUSIC_FIELD });
  }
  const path = join(dir, "music");
  await pipeline(await blobs.getStream(key, { signal }), createWriteStream(path), { signal });
  const file = await open(path, "r");
  const head = Buffer.alloc(SNIFF_BYTES);
  const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0).finally(() => file.close());
  const type = sniffAudioType(head.subarray(0, bytesRead));
  if (!type) throw new RenderInputError("The music file is not audio we can use. Choose another track and create the video again.", { field: MUSIC_FIELD });
  return { path, format: AUDIO_DEMUXER[type] };
}
