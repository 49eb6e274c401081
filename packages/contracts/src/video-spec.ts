import { z } from "zod";

/** Transitions drawn from FFmpeg's xfade, plus `none` (a hard cut). */
export const TRANSITIONS = [
  "none",
  "fade",
  "fadeblack",
  "fadewhite",
  "dissolve",
  "wipeleft",
  "wiperight",
  "slideleft",
  "slideright",
  "smoothleft",
  "smoothright",
  "circleopen",
  "circleclose",
  "radial",
  "zoomin",
  "pixelize",
] as const;
export const TransitionSchema = z.enum(TRANSITIONS);
export type Transition = z.infer<typeof TransitionSchema>;

export const FitSchema = z.enum(["cover", "contain", "blur"]);
export type Fit = z.infer<typeof FitSchema>;
export const AspectSchema = z.enum(["16:9", "9:16", "1:1", "4:5"]);
export type Aspect = z.infer<typeof AspectSchema>;
export const ResolutionSchema = z.enum(["720p", "1080p", "2160p"]);
export type Resolution = z.infer<typeof ResolutionSchema>;
export const FpsSchema = z.union([z.literal(24), z.literal(25), z.literal(30)]);
export const QualitySchema = z.enum(["draft", "final"]);

export const PhotoIdSchema = z.uuid({ message: "must be a photo id" });
export const AudioIdSchema = z.uuid({ message: "must be an audio id" });

export const SlideSchema = z.object({
  photoId: PhotoIdSchema,
  /** Overrides `secondsPerPhoto` for this slide. */
  seconds: z.number().min(1, "at least 1 second").max(10, "at most 10 seconds").optional(),
});
export type Slide = z.infer<typeof SlideSchema>;

export const VideoSpecSchema = z
  .object({
    title: z.string().trim().max(120).optional(),
    slides: z.array(SlideSchema).min(1, "pick at least one photo").max(100, "at most 100 photos per video"),
    secondsPerPhoto: z.number().min(1, "at least 1 second").max(10, "at most 10 seconds").default(3),
    transition: TransitionSchema.default("fade"),
    transitionSeconds: z.number().min(0.1, "at least 0.1 s").max(2, "at most 2 s").default(0.5),
    kenBurns: z.boolean().default(false),
    fit: FitSchema.default("cover"),
    aspect: AspectSchema.default("16:9"),
    resolution: ResolutionSchema.default("1080p"),
    fps: FpsSchema.default(30),
    titleCard: z
      .object({
        text: z.string().trim().min(1, "enter the title text").max(80, "at most 80 characters"),
        seconds: z.number().min(1).max(10).default(2),
      })
      .optional(),
    music: z
      .object({ audioId: AudioIdSchema, fadeOutSeconds: z.number().min(0).max(10).default(2) })
      .optional(),
    quality: QualitySchema.default("final"),
  })
  .superRefine((spec, ctx) => {
    if (spec.transition === "none") return;
    spec.slides.forEach((s, i) => {
      const seconds = s.seconds ?? spec.secondsPerPhoto;
      // Each transition eats into both neighbours; a slide must outlast its transitions.
      if (spec.slides.length > 1 && seconds <= spec.transitionSeconds * 2 && i > 0 && i < spec.slides.length - 1) {
        ctx.addIssue({
          code: "custom",
          path: ["slides", i, "seconds"],
          message: `must be longer than two transitions (${spec.transitionSeconds * 2} s)`,
        });
      } else if (spec.slides.length > 1 && seconds <= spec.transitionSeconds) {
        ctx.addIssue({
          code: "custom",
          path: ["slides", i, "seconds"],
          message: `must be longer than the transition (${spec.transitionSeconds} s)`,
        });
      }
    });
  });
export type VideoSpecInput = z.input<typeof VideoSpecSchema>;
export type VideoSpec = z.output<typeof VideoSpecSchema>;

const SHORT_SIDE: Record<Resolution, number> = { "720p": 720, "1080p": 1080, "2160p": 2160 };
const ASPECT: Record<Aspect, [number, number]> = { "16:9": [16, 9], "9:16": [9, 16], "1:1": [1, 1], "4:5": [4, 5] };

/** Output frame size for a spec: the short side is the resolution's height, both sides even. */
export function outputSize(aspect: Aspect, resolution: Resolution): { width: number; height: number } {
  const short = SHORT_SIDE[resolution];
  const [aw, ah] = ASPECT[aspect];
  const even = (n: number) => Math.round(n / 2) * 2;
  return aw >= ah ? { width: even((short * aw) / ah), height: short } : { width: short, height: even((short * ah) / aw) };
}

/** Seconds each slide is on screen, in order (title card excluded). */
export function slideDurations(spec: VideoSpec): number[] {
  return spec.slides.map((s) => s.seconds ?? spec.secondsPerPhoto);
}

/** Total video duration: slides overlap by one transition each; the title card is a cut before them. */
export function videoDuration(spec: VideoSpec): number {
  const d = slideDurations(spec);
  const t = spec.transition === "none" ? 0 : spec.transitionSeconds;
  const slides = d.reduce((a, b) => a + b, 0) - (d.length - 1) * t;
  return slides + (spec.titleCard?.seconds ?? 0);
}

export interface RenderProfile {
  width: number;
  height: number;
  fps: number;
  /** libx264 preset and CRF. */
  preset: "ultrafast" | "superfast" | "veryfast" | "faster" | "fast" | "medium";
  crf: number;
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
