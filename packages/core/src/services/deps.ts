import type { AudioRepository, PhotoRepository, RateLimiter, ShareRepository, UserRepository } from "../model";
import type { BlobStore, Clock, IdentityProvider, RenderQueue, VideoJobStore } from "../ports";

export interface Limits {
  maxUploadBytes: number;
  maxAudioBytes: number;
  quotaPhotos: number;
  quotaBytes: number;
}

/** Starts processing an uploaded photo. On AWS S3 events trigger the Lambda, so this is a no-op there. */
export interface PhotoProcessingTrigger {
  photoUploaded(ownerId: string, photoId: string): void;
}

export interface ServiceDeps {
  blobs: BlobStore;
  queue: RenderQueue;
  jobs: VideoJobStore;
  identity: IdentityProvider;
  users: UserRepository;
  photos: PhotoRepository;
  audio: AudioRepository;
  shares: ShareRepository;
  rateLimiter: RateLimiter;
  processing: PhotoProcessingTrigger;
  limits: Limits;
  clock: Clock;
  /** The browser-facing origin (PUBLIC_URL): share links point here. */
  publicUrl: string;
  /** Embedded stack: confirm sign-ups immediately, there is no e-mail. */
  autoConfirmSignUp: boolean;
  /** Sign-ups with these e-mails join the `admin` group. */
  adminEmails?: string[];
  /** Per 15 minutes; defaults 10 sign-ups per IP, 50 sign-ins per IP, 10 per account. */
  rateLimits?: { signUpPerIp: number; signInPerIp: number; signInPerAccount: number };
}
