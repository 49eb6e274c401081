import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { videoDuration, withTrackBeats, type CreatedShareLink, type RenderTimeEstimate, type ShareLinkView, type VideoSpec, type VideoView } from "@photoreel/contracts";
import { DomainError, notFound } from "../errors";
import { uuidv7 } from "../ids";
import { keys, type VideoShareLink } from "../model";
import type { BudgetCharge, VideoJob } from "../ports";
import { percentile } from "./percentile";
import type { ServiceDeps } from "./deps";

const URL_EXPIRES_S = 60 * 60;
/**
 * The render-time estimate reads one page: the newest ESTIMATE_RECENT_JOBS renders (videos and previews) finished in
 * the last day, of which the videos count, and needs at least MIN of them. Every composer asks for it, so an answer
 * is kept for ESTIMATE_CACHE_MS per process: at most one small query a minute however many people compose.
 */
export const ESTIMATE_WINDOW_MS = 24 * 3600 * 1000;
export const ESTIMATE_RECENT_JOBS = 100;
export const ESTIMATE_MIN_JOBS = 3;
export const ESTIMATE_CACHE_MS = 60_000;
/**
 * A slot whose job does not exist yet (being created) or is at an older attempt (being retried) is left alone
 * this long before it counts as abandoned by a request that died half-way.
 */
const SLOT_GRACE_MS = 60_000;

const shareTokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export function createVideoService(d: ServiceDeps) {
  let estimate: { at: number; value: RenderTimeEstimate } | null = null;
  let estimating: Promise<RenderTimeEstimate | null> | null = null;
  const view = async (j: VideoJob): Promise<VideoView> => {
    const out = j.status === "READY" ? j.output : null;
    const name = downloadName(j);
    const [videoUrl, downloadUrl, posterUrl] = out
      ? await Promise.all([
          d.blobs.presignDownload(out.videoKey, URL_EXPIRES_S, { contentType: "video/mp4" }),
          d.blobs.presignDownload(out.videoKey, URL_EXPIRES_S, { downloadName: name, contentType: "video/mp4" }),
          d.blobs.presignDownload(out.posterKey, URL_EXPIRES_S, { contentType: "image/jpeg" }),
        ])
      : [null, null, null];
    // Until it is ready, a video shows its first photo (its thumbnail), not an empty box.
    const first = out ? null : j.spec.slides[0];
    const coverUrl = first ? await d.blobs.presignDownload(keys.photoThumb(j.ownerId, first.photoId), URL_EXPIRES_S, { contentType: "image/webp" }) : null;
    return {
      id: j.videoId,
      kind: j.kind,
      status: j.status,
      title: j.spec.title ?? j.spec.titleCard?.text ?? null,
      progress: j.progress,
      etaSeconds: j.etaSeconds,
      error: j.error,
      errorField: j.status === "FAILED" ? (j.errorField ?? null) : null,
      photoCount: j.spec.slides.length,
      durationSeconds: out?.durationSeconds ?? null,
      width: out?.width ?? null,
      height: out?.height ?? null,
      bytes: out?.bytes ?? null,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      videoUrl,
      downloadUrl,
      posterUrl,
      coverUrl,
      aspect: j.spec.aspect,
    };
  };

  const getOwned = async (ownerId: string, id: string) => {
    const j = await d.jobs.get(ownerId, id);
    if (!j) throw notFound("Video");
    return j;
  };

  /**
   * The live share behind a token. Unknown tokens are NOT_FOUND; expired and revoked ones are NOT_FOUND with
   * `details.gone` ("expired" | "revoked"), which the share page answers with 410 and its own sentence.
   */
  const resolveShare = async (token: string) => {
    const share = /^[\w-]{32}$/.test(token) ? await d.shares.find(shareTokenHash(token)) : null;
    if (!share) throw new DomainError("NOT_FOUND", SHARE_GONE);
    if (share.revokedAt) throw new DomainError("NOT_FOUND", "The person who shared this video turned the link off.", { gone: "revoked" });
    if (share.expiresAt <= d.clock.now()) throw new DomainError("NOT_FOUND", "This link has expired; ask for a new one.", { gone: "expired" });
    const job = await d.jobs.get(share.ownerId, share.videoId);
    if (job?.status !== "READY" || !job.output) throw new DomainError("NOT_FOUND", SHARE_GONE);
    return { share, job, output: job.output };
  };

  /** Every photo (and the music) must be the caller's and ready; someone else's id is simply "not found". */
  const checkInputs = async (ownerId: string, spec: VideoSpec): Promise<VideoSpec> => {
    const ids = [...new Set(spec.slides.map((s) => s.photoId))];
    const photos = await d.photos.getMany(ownerId, ids);
    const byId = new Map(photos.map((p) => [p.id, p]));
    for (const [i, s] of spec.slides.entries()) {
      const p = byId.get(s.photoId);
      const path = ["slides", i, "photoId"];
      if (!p) throw new DomainError("NOT_FOUND", `Photo ${i + 1} was not found; it may have been deleted. Remove it from the video.`, { path });
      if (p.status !== "ready") throw new DomainError("PRECONDITION_FAILED", `Photo ${i + 1} ("${p.filename}") is not ready yet; wait for it to finish processing.`, { path });
    }
    // Each slide carries its photo's focal point as it is now (whatever the client sent): the render stays
    // reproducible if the user moves the point later, and the live preview reads it from the spec.
    const slides = spec.slides.map(({ focal: _sent, ...s }) => {
      const focal = byId.get(s.photoId)?.focal;
      return focal ? { ...s, focal: { x: focal.x, y: focal.y } } : s;
    });
    const stamped = { ...spec, slides };
    if (spec.music) {
      const a = await d.audio.get(ownerId, spec.music.audioId);
      const path = ["music", "audioId"];
      if (!a) throw new DomainError("NOT_FOUND", "The music track was not found; choose another.", { path });
      if (a.status !== "ready") throw new DomainError("PRECONDITION_FAILED", "The music track is not ready; upload it again.", { path });
      return withTrackBeats(stamped, a);
    }
    return stamped;
  };

  const enqueue = async (job: VideoJob) => {
    try {
      await d.queue.send({ kind: "render", ownerId: job.ownerId, videoId: job.videoId, attempt: job.attempt }, { priority: job.kind === "preview" });
      await d.jobs.transition(job.ownerId, job.videoId, { from: ["QUEUED"], to: "QUEUED", attempt: job.attempt, set: { enqueuedAt: d.clock.now().toISOString() } });
    } catch {
      // The job is safely QUEUED; the sweeper sends it once the queue answers again.
    }
  };

  const isActive = (j: VideoJob | null) => j?.status === "QUEUED" || j?.status === "RENDERING";

  /**
   * Frees the owner's slots whose jobs are no longer active. Workers end jobs in DynamoDB only (they hold no
   * database connection), and a job can end on any path (ready, failed, canceled, the sweeper, a crash), so slots
   * are checked against their jobs when an owner reaches the limit: a slot counts exactly while its job is active.
   * The release is conditional on the slot's attempt, so a retry that moved the slot meanwhile keeps it.
   */
  const reapSlots = async (ownerId: string): Promise<number> => {
    const now = d.clock.now().getTime();
    const freed = await Promise.all(
      (await d.renderSlots.list(ownerId)).map(async (slot) => {
        const j = await d.jobs.get(ownerId, slot.videoId);
        const pending = !j || j.attempt < slot.attempt;
        if (pending ? now - slot.acquiredAt.getTime() < SLOT_GRACE_MS : j.attempt === slot.attempt && isActive(j)) return 0;
        await d.renderSlots.release(ownerId, slot.videoId, slot.attempt);
        return 1;
      }),
    );
    return freed.reduce<number>((a, b) => a + b, 0);
  };

  const takeSlot = async (ownerId: string, videoId: string, attempt: number) => {
    const limit = d.limits.maxActiveJobs;
    let r = await d.renderSlots.acquire(ownerId, videoId, attempt, limit);
    if (!r.ok && (await reapSlots(ownerId)) > 0) r = await d.renderSlots.acquire(ownerId, videoId, attempt, limit);
    if (!r.ok)
      throw new DomainError("TOO_MANY_REQUESTS", `You already have ${limit} videos or previews queued or rendering, the most at once. Wait for one to finish, or cancel one, then try again.`, { limit });
  };

  /** `replacing`: a charge the caller will give back once this one is in (it does not count against the limit). */
  const chargeBudget = async (ownerId: string, spec: VideoSpec, replacing: BudgetCharge | null) => {
    const limit = d.limits.dailyRenderSeconds;
    const day = d.clock.now().toISOString().slice(0, 10);
    const seconds = Math.round(videoDuration(spec) * 100) / 100;
    const given = replacing?.day === day ? replacing.seconds : 0;
    const r = await d.renderBudget.charge(ownerId, day, seconds, limit + given);
    if (!r.ok) {
      const left = Math.max(0, Math.floor(limit + given - r.used));
      throw new DomainError("TOO_MANY_REQUESTS", `This video is ${Math.ceil(seconds)} s long, but only ${left} s of your ${Math.round(limit / 60)} minutes of rendering today are left. Make it shorter, or try again after midnight UTC.`, { limit, used: r.used });
    }
    return { day, seconds };
  };

  /**
   * Admits one job attempt: a slot under the active-job limit, then the day's render budget, then `start` (the
   * write that makes the job QUEUED). Whatever fails gives back what was taken before it. `replacing`: see chargeBudget.
   */
  const admit = async <T>(
    ownerId: string, videoId: string, attempt: number, spec: VideoSpec, start: (charge: BudgetCharge) => Promise<T>,
    opts: { keepSlot?: () => Promise<boolean>; replacing?: BudgetCharge | null } = {},
  ): Promise<T> => {
    const { keepSlot, replacing = null } = opts;
    await takeSlot(ownerId, videoId, attempt);
    let charge: BudgetCharge | null = null;
    try {
      charge = await chargeBudget(ownerId, spec, replacing);
      return await start(charge);
    } catch (e) {
      if (charge) await d.renderBudget.refund(ownerId, charge.day, charge.seconds).catch(() => {});
      if (!(await keepSlot?.().catch(() => false))) await d.renderSlots.release(ownerId, videoId, attempt).catch(() => {});
      throw e;
    }
  };

  /**
   * A job this call moved from QUEUED to CANCELED (requestCancel's conditional write: exactly one caller sees that)
   * never reached a worker: its slot is free now, and what it took from the day's render budget comes back. A render
   * canceled midway keeps its charge (the worker spent that time) and frees its slot once the worker stops.
   */
  const canceledWhileQueued = async (j: VideoJob) => {
    await d.renderSlots.release(j.ownerId, j.videoId, j.attempt);
    if (j.budgetCharge) await d.renderBudget.refund(j.ownerId, j.budgetCharge.day, j.budgetCharge.seconds);
  };

  /** `spec` was parsed once, at the edge (the router's input schema); the store validates it again on the way back. */
  const create = async (ownerId: string, asked: VideoSpec, kind: VideoJob["kind"]) => {
    const spec = await checkInputs(ownerId, asked);
    const now = d.clock.now().toISOString();
    const job: VideoJob = {
      ownerId, videoId: uuidv7(), kind, status: "QUEUED", spec, attempt: 0, progress: 0, etaSeconds: null, error: null,
      output: null, createdAt: now, updatedAt: now, enqueuedAt: null, startedAt: null, finishedAt: null, heartbeatAt: null,
      renderSeconds: null, cancelRequested: false, leaseId: null,
    };
    await admit(ownerId, job.videoId, 0, spec, (charge) => {
      job.budgetCharge = charge;
      return d.jobs.create(job);
    });
    await enqueue(job);
    return view(job);
  };

  const deleteOutputs = async (j: VideoJob) => {
    const prefix = keys.videoPrefix(j.ownerId, j.videoId);
    const found: string[] = [];
    for await (const o of d.blobs.list(prefix)) found.push(o.key);
    if (found.length) await d.blobs.delete(found);
  };

  return {
    create: (ownerId: string, spec: VideoSpec) => create(ownerId, spec, "video"),
    /** A small, low-fps draft of the same spec, through the priority queue. */
    preview: (ownerId: string, spec: VideoSpec) => create(ownerId, spec, "preview"),

    async list(ownerId: string, opts: { limit: number; cursor?: string | null }) {
      const page = await d.jobs.listByOwner(ownerId, { ...opts, kind: "video" });
      return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
    },

    async get(ownerId: string, id: string) {
      return view(await getOwned(ownerId, id));
    },

    /** The spec a video was made from, for "edit" (the composer opens it as a new draft). */
    async spec(ownerId: string, id: string): Promise<VideoSpec> {
      return (await getOwned(ownerId, id)).spec;
    },

    /**
     * How long rendering takes per unit of render work (`d.renderWork`: output pixels x frames, Ken Burns weighted),
     * from everyone's recent finished videos, so the composer can scale it by its own spec's work: a 2160p or Ken
     * Burns video is expected to take longer than the same at 1080p held still. Owner-agnostic: it reveals only
     * timings. Null until there are ESTIMATE_MIN_JOBS renders to go by (a null is not kept: the first renders count
     * at once).
     */
    async renderTimeEstimate(): Promise<RenderTimeEstimate | null> {
      const now = d.clock.now().getTime();
      if (estimate && now - estimate.at < ESTIMATE_CACHE_MS) return estimate.value;
      // Requests arriving together share one query.
      estimating ??= (async () => {
        const since = new Date(now - ESTIMATE_WINDOW_MS).toISOString();
        const page = await d.jobs.listByStatus("READY", { limit: ESTIMATE_RECENT_JOBS, updatedAfter: since, newestFirst: true });
        const ratios: number[] = [];
        for (const j of page.items) {
          const work = j.kind === "video" && j.renderSeconds !== null && j.output?.durationSeconds ? d.renderWork(j.spec) : 0;
          if (work > 0) ratios.push(j.renderSeconds! / work);
        }
        if (ratios.length < ESTIMATE_MIN_JOBS) return null;
        ratios.sort((a, b) => a - b);
        const round = (x: number | null) => Math.round((x ?? 0) * 10_000) / 10_000;
        const value = { count: ratios.length, p50: round(percentile(ratios, 50)), p90: round(percentile(ratios, 90)) };
        estimate = { at: now, value };
        return value;
      })().finally(() => (estimating = null));
      return estimating;
    },

    async cancel(ownerId: string, id: string) {
      const j = await getOwned(ownerId, id);
      if (j.status !== "QUEUED" && j.status !== "RENDERING") throw new DomainError("PRECONDITION_FAILED", `This video is already ${j.status.toLowerCase()}; there is nothing to cancel.`);
      const updated = await d.jobs.requestCancel(ownerId, id);
      if (updated?.status === "CANCELED") await canceledWhileQueued(updated);
      return view(updated ?? (await getOwned(ownerId, id)));
    },

    async retry(ownerId: string, id: string) {
      const j = await getOwned(ownerId, id);
      if (j.status !== "FAILED" && j.status !== "CANCELED") throw new DomainError("PRECONDITION_FAILED", "Only failed or canceled videos can be retried.");
      await checkInputs(ownerId, j.spec);
      const next = j.attempt + 1;
      // Failed before any worker took it (its message was dead-lettered while it waited: a worker claims a job by
      // setting startedAt): it rendered nothing, so its charge comes back with this retry, as a cancel while queued
      // gives it back. Only the retry that moves the job gives it back, and it does not count against the new charge.
      const unspent = j.status === "FAILED" && j.startedAt === null ? (j.budgetCharge ?? null) : null;
      // A parallel retry of the same video that won shares this slot: losing the race must not free it.
      const wonElsewhere = async () => {
        const now = await d.jobs.get(ownerId, id);
        return isActive(now) && now?.attempt === next;
      };
      const updated = await admit(ownerId, id, next, j.spec, async (charge) => {
        const moved = await d.jobs.transition(ownerId, id, {
          from: ["FAILED", "CANCELED"], to: "QUEUED", attempt: j.attempt,
          set: { attempt: next, budgetCharge: charge, progress: 0, etaSeconds: null, error: null, errorField: null, cancelRequested: false, startedAt: null, finishedAt: null, heartbeatAt: null, leaseId: null },
        });
        if (!moved) throw new DomainError("CONFLICT", "This video changed meanwhile; reload and try again.");
        // The job is queued now: a failed refund must not undo that (the seconds stay spent, as before).
        if (unspent) await d.renderBudget.refund(ownerId, unspent.day, unspent.seconds).catch(() => {});
        return moved;
      }, { keepSlot: wonElsewhere, replacing: unspent });
      await enqueue(updated);
      return view(updated);
    },

    async delete(ownerId: string, id: string) {
      const j = await getOwned(ownerId, id);
      if (j.status === "QUEUED" || j.status === "RENDERING") {
        const stopped = await d.jobs.requestCancel(ownerId, id);
        if (stopped?.status === "CANCELED") await canceledWhileQueued(stopped);
      }
      await d.shares.deleteForVideo(ownerId, id);
      await deleteOutputs(j);
      await d.jobs.delete(ownerId, id);
      await d.renderSlots.release(ownerId, id);
      return { id };
    },

    /**
     * A link anyone can open until it expires (at most 7 days) or its owner revokes it: `/s/{token}` on this app,
     * a page whose video and poster the API streams (openShareMedia). Neither a presigned URL (it dies with the
     * temporary credentials that signed it, and its key names the owner) nor the object key ever reaches a visitor.
     * Deleting the video deletes its links.
     */
    async share(ownerId: string, id: string, expiresInHours: number): Promise<CreatedShareLink> {
      const j = await getOwned(ownerId, id);
      if (j.status !== "READY" || !j.output) throw new DomainError("PRECONDITION_FAILED", "Only finished videos can be shared.");
      const token = randomBytes(24).toString("base64url");
      const expiresAt = new Date(d.clock.now().getTime() + expiresInHours * 3600 * 1000);
      const link = await d.shares.insert(shareTokenHash(token), { ownerId, videoId: id, expiresAt });
      return { ...shareLinkView(link, d.clock.now()), url: new URL(`/s/${token}`, d.publicUrl).href };
    },

    /** The video's links that still work or have expired (revoked ones leave the list); someone else's video is NOT_FOUND. */
    async listShares(ownerId: string, videoId: string): Promise<ShareLinkView[]> {
      await getOwned(ownerId, videoId);
      return (await d.shares.listForVideo(ownerId, videoId)).map((l) => shareLinkView(l, d.clock.now()));
    },

    /** Turns one link off; the link then answers 410 "turned off". Someone else's (or an unknown) link is NOT_FOUND. */
    async revokeShare(ownerId: string, shareId: string): Promise<{ id: string }> {
      const link = await d.shares.revoke(ownerId, shareId, d.clock.now());
      if (!link) throw notFound("Share link");
      return { id: link.id };
    },

    /** What a share link shows now: the video's title and shape, and when the link stops working. */
    async openShare(token: string): Promise<SharedVideo> {
      const { share, job, output } = await resolveShare(token);
      return {
        title: job.spec.title ?? job.spec.titleCard?.text ?? null,
        width: output.width, height: output.height, durationSeconds: output.durationSeconds, bytes: output.bytes,
        createdAt: job.createdAt, expiresAt: share.expiresAt.toISOString(), downloadName: downloadName(job),
      };
    },

    /** The shared video's (or poster's) bytes, read through the API so no object key or presigned URL is handed out. */
    async openShareMedia(token: string, which: "video" | "poster"): Promise<SharedMedia> {
      const { output } = await resolveShare(token);
      const key = which === "video" ? output.videoKey : output.posterKey;
      const head = await d.blobs.head(key);
      if (!head) throw new DomainError("NOT_FOUND", SHARE_GONE);
      return {
        size: head.size,
        contentType: which === "video" ? "video/mp4" : "image/jpeg",
        read: (start, end) => d.blobs.readRange(key, start, end),
        stream: (signal) => d.blobs.getStream(key, { signal }),
      };
    },
  };
}

const SHARE_GONE = "This link doesn't lead to a video: it was never valid, or the video was deleted.";

/** A shared video as its page shows it. */
export interface SharedVideo {
  title: string | null;
  width: number;
  height: number;
  durationSeconds: number;
  bytes: number;
  createdAt: string;
  expiresAt: string;
  downloadName: string;
}

/** One shared object, readable whole or by byte range (HTTP Range, for seeking). */
export interface SharedMedia {
  size: number;
  contentType: string;
  /** Inclusive range; fewer bytes when the object is shorter. */
  read(start: number, end: number): Promise<Buffer>;
  stream(signal?: AbortSignal): Promise<Readable>;
}

const shareLinkView = (l: VideoShareLink, now: Date): ShareLinkView => ({
  id: l.id, createdAt: l.createdAt.toISOString(), expiresAt: l.expiresAt.toISOString(), expired: l.expiresAt <= now,
});

const downloadName = (j: VideoJob) => `${(j.spec.title ?? "photoreel").replace(/[^\w\- ]+/g, "").replace(/\s+/g, " ").trim() || "photoreel"}.mp4`;
export type VideoService = ReturnType<typeof createVideoService>;
