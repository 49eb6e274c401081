import type { RenderProfile } from "@photoreel/contracts";

/**
 * libx264 settings shared by every render (and by the bench's encoder floor, so the comparison is fair).
 * x264 dominates memory: at 1080p medium its default 40-frame lookahead with frame threads is ~400-500 MB RSS on its
 * own. Measured on raw 1080p input: frame threads=2 + lookahead 20: 335 MB; threads=1 + lookahead 10: 213 MB;
 * sliced threads (2 slices) + lookahead 10: 215 MB with both cores busy. So from 720p up we use the last; at 720p
 * it also took a 14-photo render from 338 to 207 MB and from 6.8 to 6.1 s.
 */
export function encoderArgs(profile: RenderProfile): string[] {
  const pixels = profile.width * profile.height;
  const args = ["-c:v", "libx264", "-preset", profile.preset, "-crf", String(profile.crf), "-pix_fmt", "yuv420p"];
  if (pixels >= 1280 * 720) args.push("-rc-lookahead", "10", "-x264-params", "sliced-threads=1:threads=2");
  // JPEG colours are BT.601; say so, or players assume BT.709 for HD and shift the colours.
  args.push("-colorspace", "smpte170m", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv");
  return args;
}

/**
 * Photos per FFmpeg run. Each photo in a run costs ~12 MB per output megapixel for the whole run (its decoded frame
 * and a buffer per pixel-format conversion), and each run pays x264's start-up (~0.15 s, most of it faulting in its
 * ~165 MB of frame buffers) and starts on a keyframe. So: 3 at 1080p (a 100-photo job peaks at 377 MB for the
 * worker's process tree, 4 would be 412; 2 costs 0.4-0.8 s more per 10 photos), 7 at 720p, 2 from there up.
 */
export function slidesPerChunk(profile: RenderProfile, kenBurns: boolean): number {
  const megapixels = (profile.width * profile.height * (kenBurns ? 2 : 1)) / 1e6;
  return Math.max(2, Math.min(12, Math.floor(7 / megapixels)));
}
