import type { Transition, VideoSpec } from "@photoreel/contracts";
import { boundaryTransitions } from "@photoreel/contracts";
import { cutDurations } from "./beats";

/** The frame grid a spec is laid on: the render's output size and rate, or any size for a live preview. */
export interface FrameFormat {
  width: number;
  height: number;
  fps: number;
}

/**
 * Everything is counted in output frames so that chunks, transitions and the title line up exactly and the
 * total duration is `videoDuration(spec)` rounded to the nearest frame (never drifting with the slide count).
 */
export interface SlideSpan {
  /** Frame (from the start of the slides, title excluded) where the slide first appears. */
  start: number;
  /** Frames the slide is on screen, its transitions in and out included. */
  frames: number;
}

/** The change from slide i to slide i + 1: its own transition (slide i's, else the video's) and its length. */
export interface Boundary {
  transition: Transition;
  /** 0 for a cut (`none`): the next slide starts where this one ends. */
  frames: number;
}

export interface Timeline {
  width: number;
  height: number;
  fps: number;
  /** The video's default transition; each boundary may have its own (see `boundaries`). */
  transition: Transition;
  /** Frames of every boundary that is not a cut (they share the spec's `transitionSeconds`); 0 when all are cuts. */
  transitionFrames: number;
  /** One per pair of neighbouring slides (length slides - 1). */
  boundaries: Boundary[];
  kenBurns: boolean;
  titleFrames: number;
  slides: SlideSpan[];
  totalFrames: number;
}

/** One self-contained stretch of the video, in order. */
export type Piece =
  | { kind: "title"; frames: number }
  /** Slide `slide` alone on screen, frames [from, from+frames) of its own clip. */
  | { kind: "hold"; slide: number; from: number; frames: number }
  /** The transition from slide `slide` to slide `slide + 1`: the last `frames` of one over the first of the next. */
  | { kind: "transition"; slide: number; frames: number; transition: Transition };

/** How a spec becomes frames: when each slide starts and how long it and its transitions last, on `format`. */
export function planTimeline(spec: VideoSpec, format: FrameFormat): Timeline {
  const { fps } = format;
  const durations = cutDurations(spec);
  const n = durations.length;
  const kinds = boundaryTransitions(spec);
  const cut = kinds.map((k) => k === "none");
  const t = cut.every(Boolean) ? 0 : spec.transitionSeconds;
  // Seconds slide i overlaps slide i + 1 (0 at a cut). The last slide overlaps nothing, but subtracting `t` from it
  // and adding it back below keeps the arithmetic, so the frames, of specs without per-slide transitions unchanged.
  const overlap = (i: number) => (i < n - 1 && cut[i] ? 0 : t);
  // Slide starts are rounded from exact seconds, so rounding never accumulates over 100 slides.
  const starts: number[] = [];
  let acc = 0;
  durations.forEach((d, i) => {
    starts.push(Math.round(acc * fps));
    acc += d - overlap(i);
  });
  const titleFrames = spec.titleCard ? Math.max(1, Math.round(spec.titleCard.seconds * fps)) : 0;
  // The whole video rounds once, so title + slides land within half a frame of videoDuration(spec).
  const end = Math.round(((spec.titleCard?.seconds ?? 0) + acc + t) * fps) - titleFrames;
  let tf = t === 0 ? 0 : Math.max(1, Math.round(t * fps));
  const boundaryFrames = (i: number) => (cut[i] ? 0 : tf);
  const frames = starts.map((s, i) => (i < n - 1 ? starts[i + 1]! + boundaryFrames(i) : end) - s);
  // The schema keeps slides longer than their transitions; rounding at low fps can still eat the last frame.
  if (tf > 0) {
    const room = Math.min(
      ...frames.map((f, i) => {
        const sides = (i > 0 && !cut[i - 1] ? 1 : 0) + (i < n - 1 && !cut[i] ? 1 : 0);
        return sides === 2 ? Math.floor(f / 2) : sides === 1 ? f - 1 : Infinity;
      }),
    );
    if (room < tf) {
      tf = Math.max(1, room);
      for (let i = 0; i < n - 1; i++) frames[i] = starts[i + 1]! + boundaryFrames(i) - starts[i]!;
    }
  }
  const slides = starts.map((start, i) => ({ start, frames: frames[i]! }));
  const last = slides[n - 1]!;
  return {
    width: format.width,
    height: format.height,
    fps,
    transition: spec.transition,
    transitionFrames: tf,
    boundaries: kinds.map((transition, i) => ({ transition, frames: boundaryFrames(i) })),
    kenBurns: spec.kenBurns,
    titleFrames,
    slides,
    totalFrames: titleFrames + last.start + last.frames,
  };
}

/** The whole video as pieces: title, hold 0, transition 0→1, hold 1, ... */
export function pieces(plan: Timeline): Piece[] {
  const out: Piece[] = [];
  const b = plan.boundaries;
  if (plan.titleFrames > 0) out.push({ kind: "title", frames: plan.titleFrames });
  plan.slides.forEach((s, i) => {
    const head = b[i - 1]?.frames ?? 0;
    const tail = b[i]?.frames ?? 0;
    const frames = s.frames - head - tail;
    if (frames > 0) out.push({ kind: "hold", slide: i, from: head, frames });
    if (tail > 0) out.push({ kind: "transition", slide: i, frames: tail, transition: b[i]!.transition });
  });
  return out;
}

/** What output frame `frame` shows (0-based, title included), e.g. for a live preview seeking to any time. */
export type FrameContent =
  | { kind: "title"; frame: number }
  /** `frame` is the slide's own frame: 0 at its first appearance, as `kenBurnsRect` counts. */
  | { kind: "slide"; slide: number; frame: number }
  /** Slide `slide` going to `slide + 1`: `progress` in [0, 1), each side at its own frame. */
  | { kind: "transition"; slide: number; transition: Transition; progress: number; frames: [number, number] };

export function frameContent(plan: Timeline, frame: number): FrameContent {
  const f = Math.min(Math.max(0, Math.floor(frame)), plan.totalFrames - 1);
  if (f < plan.titleFrames) return { kind: "title", frame: f };
  const at = f - plan.titleFrames;
  // The last slide starting at or before `at`; it overlaps the previous one during the previous transition.
  let i = plan.slides.length - 1;
  while (i > 0 && plan.slides[i]!.start > at) i--;
  const own = at - plan.slides[i]!.start;
  const into = plan.boundaries[i - 1];
  if (into && own < into.frames) {
    const prev = plan.slides[i - 1]!;
    // Same convention as xfade from offset 0: frame k of a transition of n frames is k/n of the way.
    return { kind: "transition", slide: i - 1, transition: into.transition, progress: own / into.frames, frames: [at - prev.start, own] };
  }
  return { kind: "slide", slide: i, frame: own };
}
