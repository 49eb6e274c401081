import type { PhotoStatus } from "@photoreel/contracts";
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
  createdAt: Date;
  updatedAt: Date;
}
export type NewPhoto = Pick<Photo, "id" | "ownerId" | "filename" | "contentType" | "bytes" | "uploadId">;
export type PhotoPatch = Partial<Omit<Photo, "id" | "ownerId" | "createdAt" | "updatedAt">>;
export type PhotoSort = "uploaded" | "taken";

export interface AudioTrack {
  id: string;
  ownerId: string;
  status: "uploading" | "ready" | "rejected";
  filename: string;
  contentType: string;
  bytes: number;
  durationSeconds: number | null;
  rejectReason: string | null;
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
  list(ownerId: string, opts: { sort: PhotoSort; limit: number; cursor?: string | null; status?: Photo["status"] }): Promise<Page<Photo>>;
  /** Conditional on the current status when `fromStatus` is given; null when nothing matched. */
  update(ownerId: string, id: string, patch: PhotoPatch, opts?: { fromStatus?: Photo["status"][] }): Promise<Photo | null>;
  deleteMany(ownerId: string, ids: string[]): Promise<Photo[]>;
  findReadyBySha(ownerId: string, sha256: string, excludeId: string): Promise<Photo | null>;
  usage(ownerId: string): Promise<{ count: number; bytes: number }>;
  /** For the orphan sweeper: rows stuck in `uploading` since before a time. */
  listStale(status: Photo["status"], before: Date, limit: number): Promise<Photo[]>;
}

export interface AudioRepository {
  insert(row: Pick<AudioTrack, "id" | "ownerId" | "filename" | "contentType" | "bytes">): Promise<void>;
  get(ownerId: string, id: string): Promise<AudioTrack | null>;
  list(ownerId: string): Promise<AudioTrack[]>;
  update(ownerId: string, id: string, patch: Partial<Pick<AudioTrack, "status" | "bytes" | "durationSeconds" | "rejectReason">>): Promise<AudioTrack | null>;
  delete(ownerId: string, id: string): Promise<AudioTrack | null>;
}

/** A share link of a video, stored under the SHA-256 of the token in the link (never the token itself). */
export interface VideoShare {
  ownerId: string;
  videoId: string;
  expiresAt: Date;
}

export interface ShareRepository {
  insert(tokenHash: string, share: VideoShare): Promise<void>;
  /** Null when no such link exists (never shared, revoked, or its video deleted). */
  find(tokenHash: string): Promise<VideoShare | null>;
  /** Revokes every link of one video. */
  deleteForVideo(ownerId: string, videoId: string): Promise<void>;
  deleteForOwner(ownerId: string): Promise<void>;
}

export interface RateLimiter {
  /** Counts a hit on `key`; returns how many seconds to wait when over `limit` within `windowSeconds`. */
  hit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; hits: number; retryAfterSeconds: number }>;
}

/** Object keys, always under the owner's prefix. */
export const keys = {
  photoOriginal: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/original`,
  photoThumb: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/thumb.webp`,
  photoPreview: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/preview.webp`,
  photoPrefix: (ownerId: string, id: string) => `users/${ownerId}/photos/${id}/`,
  audioOriginal: (ownerId: string, id: string) => `users/${ownerId}/audio/${id}/original`,
  videoPrefix: (ownerId: string, videoId: string) => `users/${ownerId}/videos/${videoId}/`,
  video: (ownerId: string, videoId: string) => `users/${ownerId}/videos/${videoId}/video.mp4`,
  poster: (ownerId: string, videoId: string) => `users/${ownerId}/videos/${videoId}/poster.jpg`,
};

/** Parses `users/{sub}/photos/{id}/original` (an S3 event key) back into its parts. */
export function parsePhotoOriginalKey(key: string): { ownerId: string; photoId: string } | null {
  const m = /^users\/([^/]+)\/photos\/([0-9a-f-]{36})\/original$/.exec(key);
  return m ? { ownerId: m[1]!, photoId: m[2]! } : null;
}
