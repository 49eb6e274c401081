import { RENDER_STAGES, RenderMessageSchema, type RenderStage, type VideoStatus } from "@photoreel/contracts";
import { DomainError, notFound } from "../errors";
import type { VideoJob } from "../ports";
import type { ServiceDeps } from "./deps";
import { sweepOrphans } from "./orphan-sweeper";
import { percentile } from "./percentile";
import { backfillAudio, backfillPhotos } from "./upload-backfill";

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}


const jobView = (j: VideoJob) => ({
  ownerId: j.ownerId,
  videoId: j.videoId,
  kind: j.kind,
  status: j.status,
  attempt: j.attempt,
  progress: j.progress,
  error: j.error,
  photoCount: j.spec.slides.length,
  createdAt: j.createdAt,
  updatedAt: j.updatedAt,
  renderSeconds: j.renderSeconds,
  stageSeconds: j.stageSeconds ?? null,
});

export function createAdminService(d: ServiceDeps) {
  return {
    async users(opts: { limit: number; cursor?: string | null; search?: string }) {
      const page = await d.users.listWithStats(opts);
      const items = await Promise.all(
        page.items.map(async (u) => {
          const videos = await d.jobs.listByOwner(u.id, { limit: 100, kind: "video" });
          return {
            ...u,
            createdAt: u.createdAt.toISOString(),
            lastSeenAt: u.lastSeenAt.toISOString(),
            videoCount: videos.items.length,
            videoCountCapped: videos.nextCursor !== null,
            videoBytes: videos.items.reduce((a, v) => a + (v.output?.bytes ?? 0), 0),
          };
        }),
      );
      return { items, nextCursor: page.nextCursor };
    },

    async jobs(opts: { status: VideoStatus; limit: number; cursor?: string | null }) {
      const page = await d.jobs.listByStatus(opts.status, { limit: opts.limit, cursor: opts.cursor });
      return { items: page.items.map(jobView), nextCursor: page.nextCursor };
    },

    /**
     * Queue depths. SQS's GetQueueAttributes has no oldest-message age (that is a CloudWatch metric), so the
     * age of the oldest job still QUEUED stands in for it: that is the wait users actually feel.
     */
    async queues() {
      const [render, preview, dlq, oldest] = await Promise.all([
        d.queue.depth("render"),
        d.queue.depth("preview"),
        d.queue.depth("dlq"),
        d.jobs.listByStatus("QUEUED", { limit: 1 }),
      ]);
      const first = oldest.items[0];
      const oldestQueuedAgeSeconds = first ? Math.max(0, Math.round((d.clock.now().getTime() - Date.parse(first.updatedAt)) / 1000)) : null;
      return {
        render: { ...render, oldestAgeSeconds: render.oldestAgeSeconds ?? oldestQueuedAgeSeconds },
        preview,
        dlq,
        oldestQueuedAgeSeconds,
      };
    },

    /**
     * Moves dead-lettered renders back to the queue. Their jobs were marked FAILED when they reached the DLQ, so each
     * is put back to QUEUED first; a message whose job is gone (deleted) is dropped.
     */
    async redriveDlq() {
      let moved = 0;
      let dropped = 0;
      for (;;) {
        const batch = await d.queue.drainDlq(10);
        if (batch.length === 0) break;
        for (const m of batch) {
          const parsed = RenderMessageSchema.safeParse(safeJson(m.body));
          const job = parsed.success ? await d.jobs.get(parsed.data.ownerId, parsed.data.videoId) : null;
          if (!parsed.success || !job || job.status === "READY" || job.status === "CANCELED") {
            dropped++;
            continue;
          }
          if (job.status === "FAILED") {
            // An operator's redrive is not refused by the user's limit, but the job counts against it while active.
            await d.renderSlots.acquire(job.ownerId, job.videoId, job.attempt, Number.MAX_SAFE_INTEGER);
            await d.jobs.transition(job.ownerId, job.videoId, { from: ["FAILED"], to: "QUEUED", set: { error: null, errorField: null, progress: 0, leaseId: null, enqueuedAt: d.clock.now().toISOString() } });
          }
          await d.queue.send({ ...parsed.data, attempt: job.attempt }, { priority: job.kind === "preview" });
          moved++;
        }
      }
      return { moved, dropped };
    },

    async retryJob(ownerId: string, videoId: string) {
      const j = await d.jobs.get(ownerId, videoId);
      if (!j) throw notFound("Job");
      if (j.status !== "FAILED" && j.status !== "CANCELED") throw new DomainError("PRECONDITION_FAILED", "Only failed or canceled jobs can be retried");
      // Not refused by the user's active-job limit (an operator decided), but counted against it while active.
      await d.renderSlots.acquire(ownerId, videoId, j.attempt + 1, Number.MAX_SAFE_INTEGER);
      const updated = await d.jobs.transition(ownerId, videoId, {
        from: ["FAILED", "CANCELED"], to: "QUEUED", attempt: j.attempt,
        set: { attempt: j.attempt + 1, progress: 0, etaSeconds: null, error: null, errorField: null, cancelRequested: false, startedAt: null, finishedAt: null, heartbeatAt: null, leaseId: null, enqueuedAt: d.clock.now().toISOString() },
      });
      if (!updated) throw new DomainError("CONFLICT", "The job changed meanwhile; reload");
      const msg = RenderMessageSchema.parse({ kind: "render", ownerId, videoId, attempt: updated.attempt });
      await d.queue.send(msg, { priority: updated.kind === "preview" });
      return jobView(updated);
    },

    /** Reports (and unless dryRun, cleans) objects without rows and rows without objects older than a day. */
    sweepOrphans: (dryRun: boolean, minAgeMs?: number) => sweepOrphans(d, { dryRun, ...(minAgeMs !== undefined ? { minAgeMs } : {}) }),

    /**
     * One bounded batch of the upload backfill (photos and music uploaded before upload pinning): call again with
     * `nextCursor` until it is null. Photos need the decoder, so on AWS the thumbnailer runs their batches.
     */
    async backfillUploads(kind: "photos" | "audio", opts: { limit: number; cursor?: string | null }) {
      if (kind === "audio") return backfillAudio({ audio: d.audio, blobs: d.blobs, audioProber: d.audioProber, maxAudioBytes: d.limits.maxAudioBytes }, opts);
      const recheck = d.processing.recheckLegacy?.bind(d.processing);
      if (!recheck) throw new DomainError("PRECONDITION_FAILED", "Photos are re-checked by the thumbnailer here: invoke it with {\"backfill\":\"photos\"} (see the README, Day two).");
      return backfillPhotos({ photos: d.photos, recheck }, opts);
    },

    /** Render time percentiles of videos finished in the last 24 hours, overall and per stage. */
    async renderStats() {
      const since = new Date(d.clock.now().getTime() - 24 * 3600 * 1000).toISOString();
      const seconds: number[] = [];
      const stageSeconds = Object.fromEntries(RENDER_STAGES.map((s) => [s, [] as number[]])) as Record<RenderStage, number[]>;
      let failed = 0;
      let cursor: string | null = null;
      do {
        const page = await d.jobs.listByStatus("READY", { limit: 500, cursor, updatedAfter: since });
        for (const j of page.items) {
          if (j.kind !== "video") continue;
          if (j.renderSeconds !== null) seconds.push(j.renderSeconds);
          if (j.stageSeconds) for (const s of RENDER_STAGES) stageSeconds[s].push(j.stageSeconds[s]);
        }
        cursor = page.nextCursor;
      } while (cursor && seconds.length < 10_000);
      cursor = null;
      do {
        const page = await d.jobs.listByStatus("FAILED", { limit: 500, cursor, updatedAfter: since });
        failed += page.items.length;
        cursor = page.nextCursor;
      } while (cursor && failed < 10_000);
      seconds.sort((a, b) => a - b);
      // Per stage over the READY videos that stored a breakdown (jobs from before the worker did have none).
      const stages = RENDER_STAGES.map((stage) => {
        const sorted = stageSeconds[stage].sort((a, b) => a - b);
        return { stage, count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
      });
      return { count: seconds.length, failed, p50: percentile(seconds, 50), p90: percentile(seconds, 90), p95: percentile(seconds, 95), p99: percentile(seconds, 99), max: seconds.at(-1) ?? null, stages };
    },
  };
}
export type AdminService = ReturnType<typeof createAdminService>;
