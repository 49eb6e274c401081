import { createHash, randomBytes } from "node:crypto";
import {
  AUDIO_CONTENT_TYPES,
  VideoSpecSchema,
  videoDuration,
  type UploadFile,
  type VideoSpec,
  type VideoSpecInput,
  type VideoView,
} from "@photoreel/contracts";
import { DomainError, notFound } from "../errors";
import { uuidv7 } from "../ids";
import { keys } from "../model";
import type { VideoJob } from "../ports";
import type { ServiceDeps } from "./deps";
import { sniffAudio } from "./sniff";

const URL_EXPIRES_S = 60 * 60;
const MAX_ACTIVE_JOBS = 10;
/** A share link's redirect: long enough to start playing or downloading, short enough not to be worth passing on. */
const SHARE_REDIRECT_S = 10 * 60;

const shareTokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

export function createVideoService(d: ServiceDeps) {
  const view = async (j: VideoJob): Promise<VideoView> => {
    const out = j.status === "READY" ? j.output : null;
    const name = `${(j.spec.title ?? "photoreel").replace(/[^\w\- ]+/g, "").trim() || "photoreel"}.mp4`;
    const [videoUrl, downloadUrl, posterUrl] = out
      ? await Promise.all([
          d.blobs.presignDownload(out.videoKey, URL_EXPIRES_S, { contentType: "video/mp4" }),
          d.blobs.presignDownload(out.videoKey, URL_EXPIRES_S, { downloadName: name, contentType: "video/mp4" }),
          d.blobs.presignDownload(out.posterKey, URL_EXPIRES_S, { contentType: "image/jpeg" }),
        ])
      : [null, null, null];
    return {
      id: j.videoId,
      kind: j.kind,
      status: j.status,
      title: j.spec.title ?? j.spec.titleCard?.text ?? null,
      progress: j.progress,
      etaSeconds: j.etaSeconds,
      error: j.error,
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
    };
  };

  const getOwned = async (ownerId: string, id: string) => {
    const j = await d.jobs.get(ownerId, id);
    if (!j) throw notFound("Video");
    return j;
  };

  /** Every photo (and the music) must be the caller's and ready; someone else's id is simply "not found". */
  const checkInputs = async (ownerId: string, spec: VideoSpec) => {
    const ids = [...new Set(spec.slides.map((s) => s.photoId))];
    const photos = await d.photos.getMany(ownerId, ids);
    const byId = new Map(photos.map((p) => [p.id, p]));
    for (const [i, s] of spec.slides.entries()) {
      const p = byId.get(s.photoId);
      if (!p) throw new DomainError("NOT_FOUND", `Photo ${i + 1} was not found; it may have been deleted. Remove it from the video.`, { path: ["slides", i, "photoId"] });
      if (p.status !== "ready") throw new DomainError("PRECONDITION_FAILED", `Photo ${i + 1} ("${p.filename}") is not ready yet; wait for it to finish processing.`);
    }
    if (spec.music) {
      const a = await d.audio.get(ownerId, spec.music.audioId);
      if (!a) throw new DomainError("NOT_FOUND", "The music track was not found; choose another.");
      if (a.status !== "ready") throw new DomainError("PRECONDITION_FAILED", "The music track is not ready; upload it again.");
    }
  };

  const enqueue = async (job: VideoJob) => {
    try {
      await d.queue.send({ kind: "render", ownerId: job.ownerId, videoId: job.videoId, attempt: job.attempt }, { priority: job.kind === "preview" });
      await d.jobs.transition(job.ownerId, job.videoId, { from: ["QUEUED"], to: "QUEUED", attempt: job.attempt, set: { enqueuedAt: d.clock.now().toISOString() } });
    } catch {
      // The job is safely QUEUED; the sweeper sends it once the queue answers again.
    }
  };

  const create = async (ownerId: string, input: VideoSpecInput, kind: VideoJob["kind"]) => {
    const parsed = VideoSpecSchema.safeParse(input);
    if (!parsed.success) throw new DomainError("BAD_REQUEST", "Check the highlighted video options", { issues: parsed.error.issues });
    const spec = parsed.data;
    await checkInputs(ownerId, spec);
    if (kind === "video") {
      const active = await d.jobs.listByOwner(ownerId, { limit: MAX_ACTIVE_JOBS + 1, kind: "video" });
      const running = active.items.filter((j) => j.status === "QUEUED" || j.status === "RENDERING").length;
      if (running >= MAX_ACTIVE_JOBS) throw new DomainError("TOO_MANY_REQUESTS", `You have ${running} videos in progress; wait for one to finish.`);
    }
    const now = d.clock.now().toISOString();
    const job: VideoJob = {
      ownerId, videoId: uuidv7(), kind, status: "QUEUED", spec, attempt: 0, progress: 0, etaSeconds: null, error: null,
      output: null, createdAt: now, updatedAt: now, enqueuedAt: null, startedAt: null, finishedAt: null, heartbeatAt: null,
      renderSeconds: null, cancelRequested: false, leaseId: null,
    };
    await d.jobs.create(job);
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
    create: (ownerId: string, spec: VideoSpecInput) => create(ownerId, spec, "video"),
    /** A small, low-fps draft of the same spec, through the priority queue. */
    preview: (ownerId: string, spec: VideoSpecInput) => create(ownerId, spec, "preview"),

    async list(ownerId: string, opts: { limit: number; cursor?: string | null }) {
      const page = await d.jobs.listByOwner(ownerId, { ...opts, kind: "video" });
      return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
    },

    async get(ownerId: string, id: string) {
      return view(await getOwned(ownerId, id));
    },

    async cancel(ownerId: string, id: string) {
      const j = await getOwned(ownerId, id);
      if (j.status !== "QUEUED" && j.status !== "RENDERING") throw new DomainError("PRECONDITION_FAILED", `This video is already ${j.status.toLowerCase()}; there is nothing to cancel.`);
      const updated = await d.jobs.requestCancel(ownerId, id);
      return view(updated ?? (await getOwned(ownerId, id)));
    },

    async retry(ownerId: string, id: string) {
      const j = await getOwned(ownerId, id);
      if (j.status !== "FAILED" && j.status !== "CANCELED") throw new DomainError("PRECONDITION_FAILED", "Only failed or canceled videos can be retried.");
      await checkInputs(ownerId, j.spec);
      const updated = await d.jobs.transition(ownerId, id, {
        from: ["FAILED", "CANCELED"], to: "QUEUED", attempt: j.attempt,
        set: { attempt: j.attempt + 1, progress: 0, etaSeconds: null, error: null, cancelRequested: false, startedAt: null, finishedAt: null, heartbeatAt: null, leaseId: null },
      });
      if (!updated) throw new DomainError("CONFLICT", "This video changed meanwhile; reload and try again.");
      await enqueue(updated);
      return view(updated);
    },

    async delete(ownerId: string, id: string) {
      const j = await getOwned(ownerId, id);
      if (j.status === "QUEUED" || j.status === "RENDERING") await d.jobs.requestCancel(ownerId, id);
      await d.shares.deleteForVideo(ownerId, id);
      await deleteOutputs(j);
      await d.jobs.delete(ownerId, id);
      return { id };
    },

    /**
     * A link anyone can open until it expires (at most 7 days): `/s/{token}` on this app, which redirects to a
     * fresh presigned URL (openShare). A presigned URL handed out directly would die with the temporary
     * credentials that signed it, hours before a week. Deleting the video revokes its links.
     */
    async share(ownerId: string, id: string, expiresInHours: number) {
      const j = await getOwned(ownerId, id);
      if (j.status !== "READY" || !j.output) throw new DomainError("PRECONDITION_FAILED", "Only finished videos can be shared.");
      const token = randomBytes(24).toString("base64url");
      const expiresAt = new Date(d.clock.now().getTime() + expiresInHours * 3600 * 1000);
      await d.shares.insert(shareTokenHash(token), { ownerId, videoId: id, expiresAt });
      return { url: new URL(`/s/${token}`, d.publicUrl).href, expiresAt: expiresAt.toISOString() };
    },

    /** Where a share link leads now: a presigned URL of the video for SHARE_REDIRECT_S. */
    async openShare(token: string): Promise<string> {
      const gone = "This link doesn't lead to a video any more: it was never valid, or the video was deleted.";
      const share = /^[\w-]{32}$/.test(token) ? await d.shares.find(shareTokenHash(token)) : null;
      if (!share) throw new DomainError("NOT_FOUND", gone);
      if (share.expiresAt <= d.clock.now()) throw new DomainError("NOT_FOUND", "This link has expired; ask for a new one.", { expired: true });
      const j = await d.jobs.get(share.ownerId, share.videoId);
      if (j?.status !== "READY" || !j.output) throw new DomainError("NOT_FOUND", gone);
      return d.blobs.presignDownload(j.output.videoKey, SHARE_REDIRECT_S, { contentType: "video/mp4" });
    },

    async createAudioUpload(ownerId: string, f: UploadFile) {
      if (!(AUDIO_CONTENT_TYPES as readonly string[]).includes(f.contentType))
        throw new DomainError("BAD_REQUEST", `"${f.filename}" is not a supported audio type. Upload MP3, AAC/M4A, WAV or OGG.`);
      if (f.bytes === 0 || f.bytes > d.limits.maxAudioBytes)
        throw new DomainError("BAD_REQUEST", `"${f.filename}" must be between 1 byte and ${Math.round(d.limits.maxAudioBytes / 1024 / 1024)} MB.`);
      const id = uuidv7();
      await d.audio.insert({ id, ownerId, filename: f.filename, contentType: f.contentType, bytes: f.bytes });
      const upload = await d.blobs.presignPost(keys.audioOriginal(ownerId, id), { contentType: f.contentType, minBytes: 1, maxBytes: f.bytes, expiresIn: 900 });
      return { audioId: id, upload };
    },

    async completeAudioUpload(ownerId: string, id: string) {
      const a = await d.audio.get(ownerId, id);
      if (!a) throw notFound("Audio track");
      if (a.status !== "uploading") return a;
      const key = keys.audioOriginal(ownerId, id);
      const head = await d.blobs.head(key);
      if (!head) throw new DomainError("PRECONDITION_FAILED", "The file has not arrived yet; upload it and then complete");
      const ok = head.size > 0 && head.size <= d.limits.maxAudioBytes && sniffAudio(await d.blobs.readRange(key, 0, 63)) !== null;
      if (!ok) {
        await d.blobs.delete([key]);
        return d.audio.update(ownerId, id, { status: "rejected", rejectReason: "This file is not audio we can use. Upload MP3, AAC/M4A, WAV or OGG." });
      }
      return d.audio.update(ownerId, id, { status: "ready", bytes: head.size });
    },

    listAudio: (ownerId: string) => d.audio.list(ownerId),

    async deleteAudio(ownerId: string, id: string) {
      const a = await d.audio.delete(ownerId, id);
      if (!a) throw notFound("Audio track");
      await d.blobs.delete([keys.audioOriginal(ownerId, id)]);
      return { id };
    },

    /** Expected duration, shown by the composer before rendering. */
    estimate: (spec: VideoSpec) => ({ durationSeconds: videoDuration(spec) }),
  };
}
export type VideoService = ReturnType<typeof createVideoService>;
