import type { AudioRepository, PhotoRepository, RateLimiter, RenderBudgetRepository, RenderSlotRepository, ShareRepository, UserRepository } from "../model";
import type { AudioProber, BlobStore, Clock, IdentityProvider, MediaSniffer, RenderQueue, RenderWork, TokenVerifier, VideoJobStore } from "../ports";

export interface Limits {
  maxUploadBytes: number;
  maxAudioBytes: number;
  quotaPhotos: number;
  quotaBytes: number;
  /** Music tracks a user may keep, and their total size. */
  quotaAudioTracks: number;
  quotaAudioBytes: number;
  /** Video jobs (videos and previews) QUEUED or RENDERING at once, per user. */
  maxActiveJobs: number;
  /** Seconds of output (videos and previews) a user may start rendering per UTC day. */
  dailyRenderSeconds: number;
}

/** Starts processing an uploaded photo. On AWS S3 events trigger the Lambda, so this is a no-op there. */
export interface PhotoProcessingTrigger {
  photoUploaded(ownerId: string, photoId: string): void;
  /**
   * The upload backfill's photo check (the processor's `recheckLegacy`), where this process decodes photos (the
   * embedded stack). Absent on AWS: the API never decodes a photo, and the thumbnailer runs the photo backfill.
   */
  recheckLegacy?(ownerId: string, photoId: string): Promise<"ready" | "rejected" | "skipped" | "missing">;
}

/** The ports the services use: what a composition root builds from adapters. */
export interface ServicePorts {
  blobs: BlobStore;
  queue: RenderQueue;
  jobs: VideoJobStore;
  identity: IdentityProvider;
  /** Checks access tokens locally (signature, issuer, client, use, expiry). */
  verifier: TokenVerifier;
  users: UserRepository;
  photos: PhotoRepository;
  audio: AudioRepository;
  shares: ShareRepository;
  renderSlots: RenderSlotRepository;
  renderBudget: RenderBudgetRepository;
  rateLimiter: RateLimiter;
  processing: PhotoProcessingTrigger;
  /** What an uploaded file really is (the images package's sniffer). */
  sniffer: MediaSniffer;
  /** Whether a music upload really is usable audio (the images package's ffprobe check). */
  audioProber: AudioProber;
  /** What a spec costs to render (the render package's `renderWork`): the render-time estimate's scale. */
  renderWork: RenderWork;
}

export interface ServiceDeps extends ServicePorts {
  limits: Limits;
  clock: Clock;
  /** The browser-facing origin (PUBLIC_URL): share links point here. */
  publicUrl: string;
  /** Embedded stack: confirm sign-ups immediately, there is no e-mail. */
  autoConfirmSignUp: boolean;
  /** These e-mails join the `admin` group once the address is confirmed. */
  adminEmails?: string[];
  /**
   * Per IP and 15 minutes: sign-ups (10) and sign-in or confirmation attempts (50). Per account: failed attempts
   * in a row before it backs off (5), and the first back-off in seconds (30, doubling per failure up to 15 min).
   */
  rateLimits?: { signUpPerIp: number; signInPerIp: number; signInPerAccount: number; signInBackoffSeconds: number };
}
