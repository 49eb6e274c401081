import { boundarySeconds, outputSize, videoDuration, type VideoSpec } from "@photoreel/contracts";

/*
 * How a spec is encoded. Pure (no node:, sharp or FFmpeg imports): the web may import it as
 * `@photoreel/render/policy` to show what a render will produce.
 */

export interface RenderProfile {
  width: number;
  height: number;
  fps: number;
  /** libx264 preset and CRF. */
  preset: "ultrafast" | "superfast" | "veryfast" | "faster" | "fast" | "medium";
  crf: number;
  /** The VBV cap in kbit/s when not `videoBitrateCap`'s (near-lossless test renders, the bench's uncapped floor). */
  maxrateKbps?: number;
}

/**
 * How a spec is encoded. A preview is the same spec at a small size and few fps so it is ready in seconds;
 * `draft` is a much smaller file at visibly lower quality; `final` is the quality users download.
 *
 * `final` is x264 veryfast at CRF 20, not medium at 21: on photo slideshows it scores the same SSIM against the
 * source frames (crossfades 0.9887 vs 0.9873, Ken Burns 0.9589 vs 0.9594) in 2.0-2.4x less encode time and CPU,
 * for files 18-25% larger (`bench/render --only=presets`). Medium's extra motion search buys little on still
 * photos, and render time is what users wait for and what the workers cost.
 */
export function renderProfile(spec: VideoSpec, opts: { preview?: boolean } = {}): RenderProfile {
  const full = outputSize(spec.aspect, spec.resolution);
  if (opts.preview) {
    const scale = 360 / Math.min(full.width, full.height);
    const even = (n: number) => Math.round((n * scale) / 2) * 2;
    return { width: even(full.width), height: even(full.height), fps: 12, preset: "ultrafast", crf: 30 };
  }
  return spec.quality === "draft"
    ? { ...full, fps: spec.fps, preset: "veryfast", crf: 26 }
    : { ...full, fps: spec.fps, preset: "veryfast", crf: 20 };
}

/** Upload rates video platforms recommend at 24-30 fps (kbit/s by pixel count), the anchors of `videoBitrateCap`. */
const RECOMMENDED_KBPS: readonly [pixels: number, kbps: number][] = [
  [640 * 360, 1_000],
  [1280 * 720, 5_000],
  [1920 * 1080, 8_000],
  [3840 * 2160, 35_000],
];

/**
 * The most a second of video may take (kbit/s): x264's VBV cap (`-maxrate`, with a one-second `-bufsize`), so a
 * file's size and its peaks are bounded whatever the photos. Taken from the rates video platforms recommend for
 * uploads (8 Mbit/s at 1080p30, 35 at 2160p, 5 at 720p), interpolated by pixel count so 9:16 gets what 16:9 gets and
 * 1:1 or 4:5 what their area needs. CRF still sets the quality below the cap; the cap only binds on costly frames
 * (Ken Burns over grainy photos, blur fits), where it costs little SSIM (see bench/render).
 */
export function videoBitrateCap(frame: { width: number; height: number }): number {
  const pixels = frame.width * frame.height;
  const first = RECOMMENDED_KBPS[0]!;
  if (pixels <= first[0]) return Math.round((first[1] * pixels) / first[0]);
  for (let i = 1; i < RECOMMENDED_KBPS.length; i++) {
    const [p0, k0] = RECOMMENDED_KBPS[i - 1]!;
    const [p1, k1] = RECOMMENDED_KBPS[i]!;
    if (pixels <= p1) return Math.round(k0 + ((k1 - k0) * (pixels - p0)) / (p1 - p0));
  }
  const [pn, kn] = RECOMMENDED_KBPS.at(-1)!;
  return Math.round((kn * pixels) / pn);
}

/**
 * Bits per pixel x264 spends at CRF 20 (veryfast) on photo slideshows, fitted to bench/render's grainy 12 MP photos
 * at 1080p (ten photos, 3 s each, 0.5 s fades: 5.93 MB with crossfades, 11.8 MB with Ken Burns): each new photo
 * once (coded almost from scratch), each frame in motion (Ken Burns; the frames of a transition), each still frame
 * (a held photo: nearly free).
 */
const BITS_PER_PIXEL = { newPhoto: 1.63, moving: 0.0376, still: 0.002 };
const AUDIO_KBPS = 160;

/**
 * What the render's file will weigh (bytes), for the composer to show before it is made: within ±25% of the real
 * file on bench/render's photos, and never above the VBV cap's bound (the cap over the duration, plus its buffer).
 * Smoother photos come out smaller; grainier ones meet the cap.
 */
export function estimateVideoBytes(spec: VideoSpec): number {
  const profile = renderProfile(spec);
  const pixels = profile.width * profile.height;
  const seconds = videoDuration(spec);
  const slidesSeconds = seconds - (spec.titleCard?.seconds ?? 0);
  const transitions = boundarySeconds(spec).reduce((a, b) => a + b, 0);
  const movingSeconds = spec.kenBurns ? slidesSeconds : transitions;
  // x264 spends about half the bits for every 6 CRF steps up.
  const crfScale = 2 ** ((20 - profile.crf) / 6);
  const bits =
    pixels * crfScale *
    (spec.slides.length * BITS_PER_PIXEL.newPhoto +
      movingSeconds * profile.fps * BITS_PER_PIXEL.moving +
      (slidesSeconds - movingSeconds) * profile.fps * BITS_PER_PIXEL.still);
  const cap = videoBitrateCap(profile) * 1000;
  const video = Math.min(bits, cap * (seconds + 1));
  const audio = spec.music ? AUDIO_KBPS * 1000 * seconds : 0;
  // MP4 headers and indexes: about 1%.
  return Math.round(((video + audio) / 8) * 1.01);
}

/** The unit of render work: one second of 1080p30 video of held slides. */
const WORK_UNIT_PIXEL_FRAMES = 1920 * 1080 * 30;

/**
 * How many times a held slide's render cost a Ken Burns frame costs. Measured on a 2-core machine on the render
 * pipeline as it landed (2026-11-29, the team's rendering notes): ten 12 MP photos, 1080p30,
 * 3 s each with 0.5 s fades took renderVideo 31.0 s with Ken Burns against 13.1 s without, 2.37x (every Ken Burns
 * frame is drawn by the resampler and encoded in motion; a held slide is one picture repeated).
 */
export const KEN_BURNS_COST = 2.4;

/**
 * What rendering `spec` costs, in units of one second of 1080p30 held slides: output pixels x frames, with Ken Burns
 * slides weighted by KEN_BURNS_COST (the title card holds still either way). The render-time estimate divides past
 * renders' seconds by it and the composer multiplies back, so a 2160p video (4x the pixels) is expected to take
 * about 4x as long as the same at 1080p. Costs that do not scale with the output, decoding each photo once and
 * starting FFmpeg, are left out: they make short, small videos take a little longer than this predicts.
 */
export function renderWork(spec: VideoSpec): number {
  const { width, height, fps } = renderProfile(spec);
  const seconds = videoDuration(spec);
  const slideSeconds = seconds - (spec.titleCard?.seconds ?? 0);
  const weighted = spec.kenBurns ? seconds + (KEN_BURNS_COST - 1) * slideSeconds : seconds;
  return (width * height * fps * weighted) / WORK_UNIT_PIXEL_FRAMES;
}
