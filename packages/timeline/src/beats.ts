import type { VideoSpec } from "@photoreel/contracts";
import { boundarySeconds, slideDurations } from "@photoreel/contracts";

/** The slide length limits of the spec's schema: what a snapped slide may last. */
const MIN_SLIDE_SECONDS = 1;
const MAX_SLIDE_SECONDS = 10;
/** Headroom over the schema's "longer than its transitions", so frame rounding never eats a slide. */
const TRANSITION_MARGIN = 0.1;

/**
 * Seconds each slide is on screen once its cuts are moved onto the music's beats (issue 16 "Cut on the beat").
 *
 * A cut is where the picture changes: the start of the next slide for a hard cut, the middle of a transition
 * otherwise. Cuts are placed in order: each one moves to the beat nearest to where the slide's own length would
 * put it, among the beats that keep the slide within its allowed length (1–10 s and longer than its transitions);
 * with no such beat the cut stays where it was. Because each cut is measured from the previous snapped one, the
 * video drifts from its unsnapped length by at most half a beat. The last slide keeps its length (no cut ends it).
 *
 * `beats` are seconds from the start of the video (the music starts with the title card, when there is one).
 */
export function snapToBeats(spec: VideoSpec, beats: readonly number[]): number[] {
  const d = slideDurations(spec);
  const n = d.length;
  if (n < 2 || beats.length === 0) return d;
  // Seconds of each boundary's transition (0 at a cut): per slide since slides may have their own.
  const t = boundarySeconds(spec);
  const out = [...d];
  // Video time at which slide i first appears.
  let start = spec.titleCard?.seconds ?? 0;
  for (let i = 0; i < n - 1; i++) {
    const into = i > 0 ? t[i - 1]! : 0;
    const tOut = t[i]!;
    const overlap = into + tOut;
    const min = Math.max(MIN_SLIDE_SECONDS, overlap > 0 ? overlap + TRANSITION_MARGIN : 0);
    // A cut at time c gives slide i the length c - start + t/2 (its transition out ends half a transition later).
    const lengthAt = (cut: number) => cut - start + tOut / 2;
    const target = start + d[i]! - tOut / 2;
    let best: number | null = null;
    for (const b of beats) {
      const len = lengthAt(b);
      if (len < min || len > MAX_SLIDE_SECONDS) continue;
      if (best === null || Math.abs(b - target) < Math.abs(best - target)) best = b;
    }
    if (best !== null) out[i] = lengthAt(best);
    start += out[i]! - tOut;
  }
  return out;
}

/** The lengths the render and the preview use: snapped when the spec asks to cut on the beat and has beats. */
export function cutDurations(spec: VideoSpec): number[] {
  const beats = spec.music?.cutOnBeat ? spec.music.beats : undefined;
  return beats?.length ? snapToBeats(spec, beats) : slideDurations(spec);
}
