import { videoBitrateCap, type RenderProfile } from "./policy";

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
  const cap = profile.maxrateKbps ?? videoBitrateCap(profile);
  args.push("-maxrate", `${cap}k`, "-bufsize", `${cap}k`);
  if (pixels >= 1280 * 720) args.push("-rc-lookahead", "10", "-x264-params", "sliced-threads=1:threads=2");
  // JPEG colours are BT.601; say so, or players assume BT.709 for HD and shift the colours.
  args.push("-colorspace", "smpte170m", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv");
  return args;
}

/**
 * Photos per chunk run (still photos; Ken Burns slides are drawn in process, two canvases at a time). Each chunk is
 * one FFmpeg run that decodes, draws and encodes its slides: each photo in it costs ~12 MB per output megapixel for
 * the whole run (its decoded frame and a buffer per pixel-format conversion) beside that run's x264 (~165-215 MB at
 * 1080p), and each run pays x264's start-up (~0.15 s) and starts on a keyframe. So 7 at 720p, 3 at 1080p and 2 from
 * 4 MP up. With the worker's source maps trimmed (scripts/bundle.mjs), a 100-photo 1080p job peaks at 342 MB PSS for
 * the worker's tree with 2 and 368 MB with 3 (bench/render, same machine and hour), and ten 12 MP photos render in
 * 7.98 s with 3 against 8.46 s with 2 (median of 5, interleaved): 5.7% faster for 26 MB of the 400 MB budget.
 */
export function slidesPerChunk(profile: RenderProfile): number {
  const megapixels = (profile.width * profile.height) / 1e6;
  if (megapixels >= 4) return 2;
  if (megapixels >= 2) return 3;
  return Math.min(12, Math.floor(7 / megapixels));
}
