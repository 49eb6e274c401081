import type { Readable } from "node:stream";
import type { RenderMessage, StageSeconds, VideoSpec, VideoStatus } from "@photoreel/contracts";

// ---------- What a file is ----------
/** Decides a file's real type from its first `headBytes` bytes. The images package owns the table of magic numbers. */
export interface MediaSniffer {
  readonly headBytes: number;
  /** One of PHOTO_CONTENT_TYPES, or null when the bytes are not a photo format that works. */
  photoType(head: Uint8Array): string | null;
  /** One of AUDIO_CONTENT_TYPES, or null. */
  audioType(head: Uint8Array): string | null;
}

/** Reads a music upload with the demuxer of its sniffed type (ffprobe on the server) and checks it is usable music. */
export interface AudioProber {
  /** `beats`: beat times in seconds (ascending, bounded), empty when the track has no pulse to find. */
  probe(bytes: Buffer): Promise<{ ok: true; contentType: string; durationSeconds: number; beats?: number[] } | { ok: false; reason: string }>;
}

// ---------- Blobs (S3) ----------
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}
export interface BlobHead {
  size: number;
  contentType?: string;
  lastModified?: Date;
}
export interface BlobListItem {
  key: string;
  size: number;
  lastModified: Date;
}
export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}
export interface BlobStore {
  /** A browser form upload whose policy pins the key, the content type and a size range. */
  presignPost(key: string, opts: { contentType: string; minBytes: number; maxBytes: number; expiresIn: number }): Promise<PresignedPost>;
  createMultipart(key: string, contentType: string): Promise<{ uploadId: string }>;
  presignPart(key: string, uploadId: string, partNumber: number, expiresIn: number): Promise<string>;
  listParts(key: string, uploadId: string): Promise<UploadedPart[]>;
  completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  presignDownload(key: string, expiresIn: number, opts?: { downloadName?: string; contentType?: string }): Promise<string>;
  head(key: string): Promise<BlobHead | null>;
  /** Inclusive byte range, like HTTP Range. Returns fewer bytes when the object is shorter. */
  readRange(key: string, start: number, end: number): Promise<Buffer>;
  /** Abort ends the request and destroys the stream. */
  getStream(key: string, opts?: { signal?: AbortSignal }): Promise<Readable>;
  /** Multipart upload under the hood for large bodies; abort stops it and leaves no object. */
  put(key: string, body: Buffer | Readable, contentType: string, opts?: { signal?: AbortSignal }): Promise<void>;
  delete(keys: string[]): Promise<void>;
  list(prefix: string): AsyncIterable<BlobListItem>;
  ping(): Promise<void>;
}

// ---------- Queue (SQS) ----------
export interface QueueDepth {
  visible: number;
  inFlight: number;
  /** Age of the oldest message in seconds, when the backend can tell. */
  oldestAgeSeconds: number | null;
}
export interface RenderQueue {
  /** `delaySeconds` (at most 900) keeps the message hidden that long: a render put back to wait its turn. */
  send(message: RenderMessage, opts?: { priority?: boolean; delaySeconds?: number }): Promise<void>;
  depth(which: "render" | "preview" | "dlq"): Promise<QueueDepth>;
  /** Moves every dead-lettered message back to the render queue; returns how many moved. */
  redriveDlq(): Promise<number>;
  /** Receives and deletes up to `max` dead-lettered messages. */
  drainDlq(max: number): Promise<{ body: string }[]>;
  /** Reads up to `max` dead-lettered messages without removing them (hidden for `hideSeconds`). */
  peekDlq(max: number, hideSeconds: number): Promise<{ body: string }[]>;
  ping(): Promise<void>;
}

// ---------- Video jobs (DynamoDB) ----------
export interface VideoOutput {
  videoKey: string;
  posterKey: string;
  bytes: number;
  durationSeconds: number;
  width: number;
  height: number;
}
export interface BudgetCharge {
  /** The UTC day charged, YYYY-MM-DD. */
  day: string;
  seconds: number;
}
export interface VideoJob {
  ownerId: string;
  videoId: string;
  kind: "video" | "preview";
  status: VideoStatus;
  spec: VideoSpec;
  /** Bumped on every (re)try; messages and progress writes carry it so stale ones are ignored. */
  attempt: number;
  progress: number;
  etaSeconds: number | null;
  error: string | null;
  /**
   * The spec field a FAILED job's `error` is about, as a dotted path ("music.audioId", "slides.2.photoId"), so the
   * composer can open the video with that field highlighted; absent or null when the failure is not one field's.
   */
  errorField?: string | null;
  output: VideoOutput | null;
  createdAt: string;
  updatedAt: string;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
  renderSeconds: number | null;
  /** A READY render's stage breakdown; absent on jobs that finished before the worker stored it, and on the rest. */
  stageSeconds?: StageSeconds | null;
  cancelRequested: boolean;
  /**
   * What admitting this attempt took from its owner's daily render budget (the UTC day and the video's seconds):
   * given back when the attempt is canceled before a worker takes it. Absent on jobs admitted before it was stored.
   */
  budgetCharge?: BudgetCharge | null;
  /** Set when a worker claims the job; every later write by that worker is conditional on it (fencing). */
  leaseId: string | null;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface TransitionRequest {
  from: VideoStatus[];
  to: VideoStatus;
  /** When given, the write only happens if the stored attempt equals it. */
  attempt?: number;
  /** When given, the write only happens if the stored leaseId equals it (null: no lease). */
  leaseId?: string | null;
  set?: Partial<Omit<VideoJob, "ownerId" | "videoId" | "status">>;
}
export interface VideoJobStore {
  /** Fails with CONFLICT if the id exists. */
  create(job: VideoJob): Promise<void>;
  get(ownerId: string, videoId: string): Promise<VideoJob | null>;
  /** Newest first (video ids are time-ordered UUIDv7). */
  listByOwner(ownerId: string, opts: { limit: number; cursor?: string | null; kind?: VideoJob["kind"] }): Promise<Page<VideoJob>>;
  /** Operators: by status, oldest update first (newest first with `newestFirst`), optionally within a time range. */
  listByStatus(status: VideoStatus, opts: { limit: number; cursor?: string | null; updatedBefore?: string; updatedAfter?: string; newestFirst?: boolean }): Promise<Page<VideoJob>>;
  /** The owner's RENDERING jobs, read consistently (the worker's per-user in-flight cap counts them). */
  listRendering(ownerId: string): Promise<VideoJob[]>;
  /** Conditional status change; returns the updated job, or null when the condition did not hold. */
  transition(ownerId: string, videoId: string, req: TransitionRequest): Promise<VideoJob | null>;
  /** Heartbeat + progress, conditional on RENDERING under this lease; ok=false when the job moved on (deleted, reassigned). */
  updateProgress(ownerId: string, videoId: string, leaseId: string, p: { progress: number; etaSeconds: number | null }): Promise<{ ok: boolean; cancelRequested: boolean }>;
  /** Sets cancelRequested on a RENDERING job, or moves QUEUED straight to CANCELED. */
  requestCancel(ownerId: string, videoId: string): Promise<VideoJob | null>;
  delete(ownerId: string, videoId: string): Promise<void>;
  ping(): Promise<void>;
}

/**
 * What rendering a spec costs, in units its render-time estimate scales by (the render package's `renderWork`:
 * seconds of 1080p30 held slides). Core knows only that more work takes longer.
 */
export type RenderWork = (spec: VideoSpec) => number;

// ---------- Identity (Cognito) ----------
export interface AuthTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string | null;
  expiresIn: number;
}
export interface IdentityProvider {
  signUp(email: string, password: string): Promise<{ userSub: string; confirmed: boolean }>;
  confirmSignUp(email: string, code: string): Promise<void>;
  /** Embedded stack only: there is no e-mail to carry a code. */
  adminConfirmSignUp(email: string): Promise<void>;
  signIn(email: string, password: string): Promise<AuthTokens>;
  refresh(refreshToken: string): Promise<AuthTokens>;
  /** Ends every session of the access token's user (Cognito GlobalSignOut): all their refresh tokens stop working. */
  signOut(accessToken: string): Promise<void>;
  /** Revokes one refresh token (and the access tokens minted from it). An unknown or revoked token succeeds. */
  revokeRefreshToken(refreshToken: string): Promise<void>;
  /** The signed-in user's e-mail and sub (Cognito GetUser with the access token); whether the address is verified. */
  getUser(accessToken: string): Promise<{ sub: string; email: string; emailVerified: boolean }>;
  addToGroup(email: string, group: string): Promise<void>;
  deleteUser(email: string): Promise<void>;
  ping(): Promise<void>;
}
export interface VerifiedUser {
  sub: string;
  username: string;
  groups: string[];
}
export interface TokenVerifier {
  /** Verifies signature, issuer, client id, token use (access), expiry. Throws on anything wrong. */
  verifyAccessToken(token: string): Promise<VerifiedUser>;
}

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
