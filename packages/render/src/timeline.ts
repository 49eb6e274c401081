import type { RenderProfile, Transition, VideoSpec } from "@photoreel/contracts";
import { slideDurations } from "@photoreel/contracts";

/**
 * Everything is counted in output frames so that chunks, transitions and the title line up exactly and the
 * total duration is `videoDuration(spec)` rounded to the nearest frame (never drifting with the slide count).
 */
export interface SlideTiming {
  /** Frame (from the start of the slides, title excluded) where the slide first appears. */
  start: number;
  frames: number;
}

export interface RenderPlan {
  width: number;
  height: number;
  fps: number;
  transition: Transition;
  /** 0 when the transition is `none`. */
  transitionFrames: number;
  kenBurns: boolean;
  titleFrames: number;
  slides: SlideTiming[];
  totalFrames: number;
}

/** One self-contained stretch of the video, in order; a chunk is a list of pieces. */
export type Piece =
  | { kind: "title"; frames: number }
  /** Slide `slide` alone on screen, frames [from, from+frames) of its own clip. */
  | { kind: "hold"; slide: number; from: number; frames: number }
  /** The transition from slide `slide` to slide `slide + 1`. */
  | { kind: "transition"; slide: number; frames: number };

export interface Chunk {
  index: number;
  /** First output frame of the chunk in the whole video. */
  startFrame: number;
  frames: number;
  pieces: Piece[];
}

export function planTimeline(spec: VideoSpec, profile: RenderProfile): RenderPlan {
  const fps = profile.fps;
  const durations = slideDurations(spec);
  const n = durations.length;
  const t = spec.transition === "none" || n < 2 ? 0 : spec.transitionSeconds;
  // Slide starts are rounded from exact seconds, so rounding never accumulates over 100 slides.
  const starts: number[] = [];
  let acc = 0;
  for (const d of durations) {
    starts.push(Math.round(acc * fps));
    acc += d - t;
  }
  const titleFrames = spec.titleCard ? Math.max(1, Math.round(spec.titleCard.seconds * fps)) : 0;
  // The whole video rounds once, so title + slides land within half a frame of videoDuration(spec).
  const end = Math.round(((spec.titleCard?.seconds ?? 0) + acc + t) * fps) - titleFrames;
  let tf = t === 0 ? 0 : Math.max(1, Math.round(t * fps));
  const ends = starts.map((_, i) => (i < n - 1 ? starts[i + 1]! + tf : end));
  const frames = starts.map((s, i) => ends[i]! - s);
  // The schema keeps slides longer than their transitions; rounding at low fps can still eat the last frame.
  if (tf > 0) {
    const room = Math.min(...frames.map((f, i) => (i > 0 && i < n - 1 ? Math.floor(f / 2) : f - 1)));
    if (room < tf) {
      tf = Math.max(1, room);
      for (let i = 0; i < n - 1; i++) frames[i] = starts[i + 1]! + tf - starts[i]!;
    }
  }
  const slides = starts.map((start, i) => ({ start, frames: frames[i]! }));
  const last = slides[n - 1]!;
  return {
    width: profile.width,
    height: profile.height,
    fps,
    transition: spec.transition,
    transitionFrames: tf,
    kenBurns: spec.kenBurns,
    titleFrames,
    slides,
    totalFrames: titleFrames + last.start + last.frames,
  };
}

/** The whole video as pieces: title, hold 0, transition 0→1, hold 1, ... */
export function pieces(plan: RenderPlan): Piece[] {
  const out: Piece[] = [];
  const tf = plan.transitionFrames;
  const n = plan.slides.length;
  if (plan.titleFrames > 0) out.push({ kind: "title", frames: plan.titleFrames });
  plan.slides.forEach((s, i) => {
    const head = i > 0 ? tf : 0;
    const tail = i < n - 1 ? tf : 0;
    const frames = s.frames - head - tail;
    if (frames > 0) out.push({ kind: "hold", slide: i, from: head, frames });
    if (tail > 0) out.push({ kind: "transition", slide: i, frames: tf });
  });
  return out;
}

export const pieceFrames = (p: Piece) => p.frames;

/**
 * Splits the video into chunks of about `maxSlides` slides each, so one FFmpeg run never holds many photos.
 * A chunk boundary always falls in the middle of a hold (a still or Ken Burns solo part), never inside a transition:
 * both sides render the same deterministic frames, so joining the encoded chunks is an invisible cut.
 */
export function planChunks(plan: RenderPlan, maxSlides: number): Chunk[] {
  const all = pieces(plan);
  const chunks: Chunk[] = [];
  let current: Piece[] = [];
  let slides = new Set<number>();
  let startFrame = 0;
  const flush = () => {
    const frames = current.reduce((a, p) => a + p.frames, 0);
    chunks.push({ index: chunks.length, startFrame, frames, pieces: current });
    startFrame += frames;
    current = [];
    slides = new Set();
  };
  for (const piece of all) {
    if (piece.kind === "hold" && slides.size >= maxSlides) {
      const first = Math.floor(piece.frames / 2);
      if (slides.has(piece.slide) && first > 0) {
        // The chunk already shows this slide (its transition in): cut mid-hold.
        current.push({ ...piece, frames: first });
        flush();
        current.push({ ...piece, from: piece.from + first, frames: piece.frames - first });
      } else {
        flush();
        current.push(piece);
      }
      slides.add(piece.slide);
      continue;
    }
    current.push(piece);
    if (piece.kind === "hold") slides.add(piece.slide);
    if (piece.kind === "transition") slides.add(piece.slide).add(piece.slide + 1);
  }
  if (current.length > 0) flush();
  return chunks;
}
