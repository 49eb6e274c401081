import { z } from "zod";
import { IdSchema } from "./photos";
import type { Aspect } from "./video-spec";

/** A video job's lifecycle; the one definition the API, the job store and the web share. */
export const VideoStatusSchema = z.enum(["QUEUED", "RENDERING", "READY", "FAILED", "CANCELED"]);
export type VideoStatus = z.infer<typeof VideoStatusSchema>;
export const VideoIdInputSchema = z.object({ id: IdSchema });
export const ListVideosInputSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(1000).nullish(),
});
export const ShareVideoInputSchema = z.object({
  id: IdSchema,
  expiresInHours: z.number().int().min(1, "at least 1 hour").max(168, "at most 7 days").default(24),
});

export const ShareIdInputSchema = z.object({ shareId: IdSchema });

/** A share link in its video's list. The link itself cannot be shown again: only its token's hash is kept. */
/**
 * Expected render time from recent renders: seconds of rendering per unit of render work (the render package's
 * `renderWork`: a second of 1080p30 held slides; more pixels, frames and Ken Burns are more work). A spec's own
 * estimate is `p50 * renderWork(spec)` to `p90 * renderWork(spec)`. Null with too few renders.
 */
export interface RenderTimeEstimate {
  /** READY videos the percentiles come from. */
  count: number;
  p50: number;
  p90: number;
}

export interface ShareLinkView {
  id: string;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
}

/** What `videos.share` answers: the link (shown once) and its entry in the list. */
export interface CreatedShareLink extends ShareLinkView {
  url: string;
}

export interface VideoView {
  id: string;
  kind: "video" | "preview";
  status: VideoStatus;
  title: string | null;
  progress: number;
  etaSeconds: number | null;
  error: string | null;
  /** The spec field a FAILED video's `error` is about ("music.audioId", "slides.2.photoId"), for "Fix in composer". */
  errorField: string | null;
  photoCount: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  bytes: number | null;
  createdAt: string;
  updatedAt: string;
  videoUrl: string | null;
  downloadUrl: string | null;
  posterUrl: string | null;
  /** The first photo's thumbnail while the video is not ready (queued, rendering, failed): its poster until then. */
  coverUrl: string | null;
  /** The frame the spec asked for ("16:9", "9:16"...): the player's shape before the video's own size is known. */
  aspect: Aspect;
}

/**
 * A finished render's stages, in seconds, as the worker stores them on the job when it turns READY (and emits as
 * the Stage*Seconds EMF metrics): download, pre-scale, draw and encode (which run side by side, so they overlap),
 * join, upload.
 */
const stage = z.number().nonnegative();
export const StageSecondsSchema = z.object({ download: stage, prescale: stage, draw: stage, encode: stage, join: stage, upload: stage });
export type StageSeconds = z.infer<typeof StageSecondsSchema>;
export type RenderStage = keyof StageSeconds;
export const RENDER_STAGES = StageSecondsSchema.keyof().options;
