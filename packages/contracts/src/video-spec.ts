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

export const TitleStyleSchema = z.enum(["plain", "photo", "colour"]);
export type TitleStyle = z.infer<typeof TitleStyleSchema>;

export const PhotoIdSchema = z.uuid({ message: "must be a photo id" });
export const AudioIdSchema = z.uuid({ message: "must be an audio id" });

/** Beats carried in a spec: enough for the longest video (100 slides of 10 s plus a title) at 200 BPM. */
export const MAX_SPEC_BEATS = 3500;
export const MAX_BEAT_SECONDS = 1100;

/**
 * Where a photo's subject is, as fractions of the auto-oriented photo ({0.5, 0.5} is its centre). Cover crops keep
 * this point as central as the photo allows, and Ken Burns ends its motion on it.
 */
export const FocalPointSchema = z.object({
  x: z.number().min(0, "x must be between 0 and 1").max(1, "x must be between 0 and 1"),
  y: z.number().min(0, "y must be between 0 and 1").max(1, "y must be between 0 and 1"),
});
export type FocalPoint = z.infer<typeof FocalPointSchema>;

export const SlideSchema = z.object({
  photoId: PhotoIdSchema,
  /** Overrides `secondsPerPhoto` for this slide. */
  seconds: z.number().min(1, "at least 1 second").max(10, "at most 10 seconds").optional(),
  /** The photo's caption when the video was composed, drawn as a lower third when the video's `captions` is on. */
  caption: z.string().trim().max(500, "captions are limited to 500 characters").optional(),
  /**
   * The photo's focal point when the video was made, stamped by the API (not the client) at create time so the render
   * is reproducible and the live preview reads it from the spec. Absent: the centre.
   */
  focal: FocalPointSchema.optional(),
  /**
   * The transition OUT of this slide into the next one, overriding the video's `transition` at that boundary
   * (`none` is a hard cut there). It lasts the video's `transitionSeconds`. Ignored on the last slide. Absent: the
   * video's `transition`, so specs stored before per-slide transitions plan exactly as they did.
   */
  transition: TransitionSchema.optional(),
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
        /** `plain`: white on black (the original look); `photo`: over the first photo, blurred; `colour`: over `colour` (DEFAULT_TITLE_COLOUR if unset). */
        style: TitleStyleSchema.default("plain"),
        colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour such as #1e3a8a").optional(),
        /** A smaller second line, e.g. the photos' date range. */
        subtitle: z.string().trim().max(80, "at most 80 characters").optional(),
      })
      .optional(),
    music: z
      .object({
        audioId: AudioIdSchema,
        fadeOutSeconds: z.number().min(0).max(10).default(2),
        /** Move each cut to the nearest beat of the music (within the slide length limits). Absent: off. */
        cutOnBeat: z.boolean().optional(),
        /**
         * The track's beat times in seconds from the video's start. Filled by the server from the stored track when
         * the video is created (what a client sends is replaced), so the worker needs no database to cut on them.
         */
        beats: z.array(z.number().min(0).max(MAX_BEAT_SECONDS)).max(MAX_SPEC_BEATS).optional(),
      })
      .optional(),
    quality: QualitySchema.default("final"),
    /** Lower-third captions from the slides' `caption`; absent means on when any slide has one (see captionsOn). */
    captions: z.boolean().optional(),
  })
  .superRefine((spec, ctx) => {
    const t = boundarySeconds(spec);
    const n = spec.slides.length;
    spec.slides.forEach((s, i) => {
      const seconds = s.seconds ?? spec.secondsPerPhoto;
      // Each transition eats into both neighbours; a slide must outlast its transitions (a cut takes nothing).
      const into = i > 0 ? t[i - 1]! : 0;
      const out = i < n - 1 ? t[i]! : 0;
      if (into + out === 0 || seconds > into + out) return;
      ctx.addIssue({
        code: "custom",
        path: ["slides", i, "seconds"],
        message:
          into > 0 && out > 0
            ? `must be longer than two transitions (${into + out} s)`
            : `must be longer than the transition (${into + out} s)`,
      });
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

type BoundaryFields = Pick<VideoSpec, "slides" | "transition" | "transitionSeconds">;

/** The transition at each boundary between slides (length slides - 1): slide i's own, else the video's. */
export function boundaryTransitions(spec: BoundaryFields): Transition[] {
  return spec.slides.slice(0, -1).map((s) => s.transition ?? spec.transition);
}

/** Seconds each boundary's transition lasts (length slides - 1): 0 for a cut (`none`), else `transitionSeconds`. */
export function boundarySeconds(spec: BoundaryFields): number[] {
  return boundaryTransitions(spec).map((t) => (t === "none" ? 0 : spec.transitionSeconds));
}

/** Total video duration: slides overlap by their boundary's transition; the title card is a cut before them. */
export function videoDuration(spec: VideoSpec): number {
  const d = slideDurations(spec);
  const overlap = boundarySeconds(spec).reduce((a, b) => a + b, 0);
  const slides = d.reduce((a, b) => a + b, 0) - overlap;
  return slides + (spec.titleCard?.seconds ?? 0);
}

/** Whether the video shows captions: the spec's choice, or by default whenever a slide has caption text. */
export function captionsOn(spec: Pick<VideoSpec, "captions" | "slides">): boolean {
  return spec.captions ?? spec.slides.some((s) => Boolean(s.caption));
}

export const DEFAULT_TITLE_COLOUR = "#1e3a8a";

/**
 * A title card's subtitle from the photos' capture dates, e.g. "3–9 March 2026" or "28 December 2025 – 2 January 2026";
 * null when no photo has a date. Dates are read in UTC, as capture times are stored.
 */
export function captureDateRange(dates: readonly (Date | string | null | undefined)[], locale = "en-GB"): string | null {
  const times = dates.flatMap((d) => (d == null ? [] : [new Date(d).getTime()])).filter((t) => Number.isFinite(t));
  if (times.length === 0) return null;
  const format = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const first = new Date(Math.min(...times));
  const last = new Date(Math.max(...times));
  return format.formatRange(first, last);
}
