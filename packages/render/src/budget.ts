/**
 * How long one FFmpeg run may take, from what it must produce. Measured on 2 cores (docs/rendering-notes.md):
 * crossfade slideshows encode 1080p at ~0.008 s per megapixel-frame, Ken Burns at ~0.02 s. The budget allows
 * 0.25 s (12-30x that, for a machine shared with other renders) plus a fixed start-up allowance, so only a run
 * that is stuck or spinning (FFmpeg reopening a looped input millions of times) meets it.
 */
export const FFMPEG_BUDGET = {
  startSeconds: 30,
  secondsPerMegapixelFrame: 0.25,
  /** The final mux copies the video and encodes the music: AAC runs at 50-100x real time. */
  muxSecondsPerOutputSecond: 0.5,
  /** Decoding a 100-megapixel photo (the pixel limit) takes a few seconds; most take well under one. */
  prescaleSecondsPerPhoto: 10,
} as const;

/** Budget of a run that encodes `frames` frames of `width` x `height`; `scale` stretches it for slow hardware. */
export function encodeBudgetMs(p: { frames: number; width: number; height: number }, scale = 1): number {
  const megapixelFrames = (p.frames * p.width * p.height) / 1e6;
  return Math.ceil((FFMPEG_BUDGET.startSeconds + megapixelFrames * FFMPEG_BUDGET.secondsPerMegapixelFrame) * 1000 * scale);
}

/** Budget of the final mux (video copied, music decoded, looped, faded and encoded) of a video this long. */
export function muxBudgetMs(durationSeconds: number, scale = 1): number {
  return Math.ceil((FFMPEG_BUDGET.startSeconds + durationSeconds * FFMPEG_BUDGET.muxSecondsPerOutputSecond) * 1000 * scale);
}

/** Budget of the pre-scale child (decode, orient and fit each photo once; the pixel limit bounds each decode). */
export function prescaleBudgetMs(photos: number, scale = 1): number {
  return Math.ceil((FFMPEG_BUDGET.startSeconds + photos * FFMPEG_BUDGET.prescaleSecondsPerPhoto) * 1000 * scale);
}
