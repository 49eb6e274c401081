import type { FocalPoint, PhotoStatus } from "@photoreel/contracts";
import type { Page } from "./ports";

export interface User {
  id: string;
  email: string;
  createdAt: Date;
  /** Set when the account was deleted; its tokens are refused from then on. */
  deletedAt: Date | null;
}

export interface Photo {
  id: string;
  ownerId: string;
  status: PhotoStatus;
  filename: string;
  contentType: string;
  bytes: number;
  uploadId: string | null;
  width: number | null;
  height: number | null;
  takenAt: Date | null;
  orientation: number | null;
  sha256: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  caption: string | null;
  rejectReason: string | null;
  duplicateOf: string | null;
  /** Where the subject is, 0..1 of the auto-oriented photo; null = the centre (photos processed before focal points). */
  focal: FocalPoint | null;
  createdAt: Date;
  updatedAt: Date;
}
export type NewPhoto = Pick<Photo, "id" | "ownerId" | "filename" | "contentType" | "bytes" | "uploadId">;
export type PhotoPatch = Partial<Omit<Photo, "id" | "ownerId" | "createdAt" | "updatedAt">>;
export type PhotoSort = "uploaded" | "taken";
/** What photos.list asks the repository for; `words` must all occur in the file name or caption. */
export interface PhotoListQuery {
  sort: PhotoSort;
  limit: number;
  cursor?: string | null;
  status?: Photo["status"][];
  words?: string[];
  /** On coalesce(taken, uploaded): from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
}

export interface AudioTrack {
  id: string;
  ownerId: string;
  status: "uploading" | "ready" | "rejected";
  filename: string;
  contentType: string;
  bytes: number;
  durationSeconds: number | null;
  rejectReason: string | null;
  /** Beat times in seconds, found once when the track was accepted; null for tracks from before beat detection. */
  beats: number[] | null;
  createdAt: Date;
}

export interface UserStats {
  id: string;
  email: string;
  createdAt: Date;
  lastSeenAt: Date;
  photoCount: number;
  photoBytes: number;
}

export interface UserRepository {
  /** Creates the row on first verified request (e-mail as given); refreshes last_seen_at at most once a minute. */
  ensure(id: string, email: string): Promise<User>;
  setEmail(id: string, email: string): Promise<void>;
  markDeleted(id: string): Promise<void>;
  get(id: string): Promise<User | null>;
  listWithStats(opts: { limit: number; cursor?: string | null; search?: string }): Promise<Page<UserStats>>;
  count(): Promise<number>;
}

export interface PhotoRepository {
  insertMany(rows: NewPhoto[]): Promise<void>;
  get(ownerId: string, id: string): Promise<Photo | null>;
  /** Only the caller's photos; ids of others are simply absent. */
  getMany(ownerId: string, ids: string[]): Promise<Photo[]>;
  list(ownerId: string, query: PhotoListQuery): Promise<Page<Photo>>;
  /** Conditional on the current status when `fromStatus` is given; null when nothing matched. */
  update(ownerId: string, id: string, patch: PhotoPatch, opts?: { fromStatus?: Photo["status"][] }): Promise<Photo | null>;
  deleteMany(ownerId: string, ids: string[]): Promise<Photo[]>;
  findReadyBySha(ownerId: string, sha256: string, excludeId: string): Promise<Photo | null>;
  usage(ownerId: string): Promise<{ count: number; bytes: number }>;
  /** For the orphan sweeper: rows stuck in `uploading` since before a time. */
  listStale(status: Photo["status"], before: Date, limit: number): Promise<Photo[]>;
  /** For the upload backfill: ready photos of every owner in id order, after `afterId` (a page cursor). */
  listReadyAfter(afterId: string | null, limit: number): Promise<Photo[]>;
}

export interface AudioRepository {
  /**
   * Inserts the row only when the owner's tracks (rejected ones excluded) stay within the quota with it; the check
   * and the insert are one step per owner, so parallel uploads cannot overshoot. `usage` is before the insert.
   */
  insertWithinQuota(
    row: Pick<AudioTrack, "id" | "ownerId" | "filename" | "contentType" | "bytes">,
    quota: { count: number; bytes: number },
  ): Promise<{ ok: boolean; usage: { count: number; bytes: number } }>;
  usage(ownerId: string): Promise<{ count: number; bytes: number }>;
  insert(row: Pick<AudioTrack, "id" | "ownerId" | "filename" | "contentType" | "bytes">): Promise<void>;
  get(ownerId: string, id: string): Promise<AudioTrack | null>;
  list(ownerId: string): Promise<AudioTrack[]>;
  /** null when there is no such track, or (with `fromStatus`) it is in another status. */
  update(
    ownerId: string,
    id: string,
    patch: Partial<Pick<AudioTrack, "status" | "bytes" | "durationSeconds" | "rejectReason" | "beats">>,
    opts?: { fromStatus?: AudioTrack["status"][] },
  ): Promise<AudioTrack | null>;
  delete(ownerId: string, id: string): Promise<AudioTrack | null>;
  /** For the upload backfill: ready tracks of every owner in id order, after `afterId` (a page cursor). */
  listReadyAfter(afterId: string | null, limit: number): Promise<AudioTrack[]>;
}

/** A share link of a video, stored under the SHA-256 of the token in the link (never the token itself). */
export interface VideoShare {
  ownerId: string;
  videoId: string;
  expiresAt: Date;
  /** When the owner turned the link off; null while it works. */
  revokedAt?: Date | null;
}

/** A share link as its owner sees it in the video's list (no token: only its hash is kept). */
export interface VideoShareLink {
  id: string;
  videoId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface ShareRepository {
  insert(tokenHash: string, share: VideoShare): Promise<VideoShareLink>;
  /** Null when no such link exists (never shared, or its video deleted); revoked links are found, with revokedAt. */
  find(tokenHash: string): Promise<VideoShare | null>;
  /** The video's links that were not revoked (expired ones included), newest first; at most 100. */
  listForVideo(ownerId: string, videoId: string): Promise<VideoShareLink[]>;
  /** Turns one of the owner's links off; null when the owner has no such live link. */
  revoke(ownerId: string, id: string, at: Date): Promise<VideoShareLink | null>;
  /** Revokes every link of one video. */
  deleteForVideo(ownerId: string, videoId: string): Promise<void>;
  deleteForOwner(ownerId: string): Promise<void>;
}

/**
 * Failed attempts in a row on one key (an account): the first `freeFailures` cost nothing, then each further one
 * makes the key wait `baseSeconds`, doubling per failure up to `maxSeconds`. Failures are forgotten after
 * `forgetSeconds` without one, or at once by a success.
 */
export interface BackoffPolicy {
  freeFailures: number;
  baseSeconds: number;
  maxSeconds: number;
  forgetSeconds: number;
}

/** How long a key that has failed `failures` times in a row must wait after its last failure. */
export function backoffSeconds(p: BackoffPolicy, failures: number): number {
  if (failures < p.freeFailures) return 0;
  return Math.min(p.maxSeconds, p.baseSeconds * 2 ** (failures - p.freeFailures));
}

/** A video job holding one of its owner's active-job slots, at one attempt. */
export interface RenderSlot {
  videoId: string;
  attempt: number;
  acquiredAt: Date;
}

/**
 * The per-user limit on active video jobs (QUEUED or RENDERING, videos and previews alike), taken atomically:
 * one owner's acquisitions are serialised, so N parallel requests let exactly `limit - held` through.
 */
export interface RenderSlotRepository {
  /**
   * Takes a slot for this job's attempt when the owner holds fewer than `limit`; a job that already holds one
   * (a retry) moves it to the new attempt without counting twice. `held` is the owner's slot count after the call.
   */
  acquire(ownerId: string, videoId: string, attempt: number, limit: number): Promise<{ ok: boolean; held: number }>;
  /** Frees the slot when it is still at `attempt` (any attempt when omitted). */
  release(ownerId: string, videoId: string, attempt?: number): Promise<void>;
  list(ownerId: string): Promise<RenderSlot[]>;
}

/** Seconds of rendered output per owner per UTC day, charged atomically against a limit. */
export interface RenderBudgetRepository {
  /** Adds `seconds` to the day's total only when the result stays within `limit`; `used` is the total after. */
  charge(ownerId: string, day: string, seconds: number, limit: number): Promise<{ ok: boolean; used: number }>;
  refund(ownerId: string, day: string, seconds: number): Promise<void>;
}

export interface RateLimiter {
  /** Counts a hit on `key`; returns how many seconds to wait when over `limit` within `windowSeconds`. */
  hit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; hits: number; retryAfterSeconds: number }>;
  /**
   * Starts an attempt on `key` under a failure back-off: refused (nothing counted) while the key is backing off,
   * else counted as a failure at once, so that a parallel burst is counted in full, until `succeeded` forgives it.
   * `failures` includes this attempt.
   */
  attempt(key: string, policy: BackoffPolicy): Promise<{ allowed: boolean; failures: number; retryAfterSeconds: number }>;
  /** The attempt succeeded: the key's failures are forgotten. */
  succeeded(key: string): Promise<void>;
  /**
   * Deletes the counters whose window opened (or whose last failure was counted) more than `seconds` ago, and says
   * how many. With `seconds` past every window and forget time, a deleted key reads exactly as it did: as new.
   */
  forgetOlderThan(seconds: number): Promise<number>;
}

/** Object keys, always under the owner's prefix. */
export const keys = {
  photoOriginal: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/original`,
  /** The bytes the thumbnailer decoded, written where no upload form can write: what every video renders. */
  photoChecked: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/checked`,
  photoThumb: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/thumb.webp`,
  photoPreview: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/preview.webp`,
  photoPrefix: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/`,
  audioOriginal: (ownerId: string, id: string) => `users/${ownerId}/audio/${id}/original`,
  /** The bytes checked at completion, copied where no upload form can write: what every video uses. */
  audioChecked: (ownerId: string, id: string) => `users/${ownerId}/audio/${id}/checked`,
  videoPrefix: (ownerId: string, videoId: string) => `users/${ownerId}/videos/${videoId}/`,
  video: (ownerId: string, videoId: string) => `users/${ownerId}/videos/${videoId}/video.mp4`,
  poster: (ownerId: string, videoId: string) => `users/${ownerId}/videos/${videoId}/poster.jpg`,
};

/** Parses `users/{sub}/photos/{id}/original` (an S3 event key) back into its parts. */
export function parsePhotoOriginalKey(key: string): { ownerId: string; photoId: string } | null {
  const m = /^users\/([^/]+)\/photos\/([0-9a-f-]{36})\/original$/.exec(key);
  return m ? { ownerId: m[1]!, photoId: m[2]! } : null;
}
