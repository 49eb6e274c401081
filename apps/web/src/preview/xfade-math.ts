import type { Transition } from "@photoreel/contracts";

/**
 * FFmpeg 5.1's xfade transitions (libavfilter/vf_xfade.c) as numbers a 2D canvas can draw: per transition, how much
 * of the incoming slide B shows where, as a function of the timeline's progress `p` (0 on the transition's first
 * frame, towards 1 on its last; xfade's own `progress` runs the other way, 1 - p). The canvas draws these with
 * gradients, clips and offsets (see draw-transition.ts); this file holds only the maths, so it is unit tested.
 */

export const smoothstep = (edge0: number, edge1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
};

/** fadeblack / fadewhite: out = A*a + B*b + colour*(1 - a - b), xfade's phase 0.2. */
export function fadeThroughWeights(p: number): { a: number; b: number } {
  const xp = 1 - p;
  return { a: xp * smoothstep(0.8, 1, xp), b: (1 - xp) * (1 - smoothstep(0.2, 1, xp)) };
}

/** B's weight at a position, for the transitions drawn with a gradient mask. `u` is what the gradient runs over. */
export function maskWeight(transition: Transition, p: number, u: number): number {
  const xp = 1 - p;
  switch (transition) {
    // u = x / width (smoothright mirrors it): smooth = 1 + u - 2*progress, B = smoothstep(smooth).
    case "smoothleft":
    case "smoothright":
      return smoothstep(0, 1, 1 + u - 2 * xp);
    // u = distance from the centre / half the diagonal; circleopen shows A by smoothstep(u + 3*(progress - 0.5)).
    case "circleopen":
      return 1 - smoothstep(0, 1, u + (xp - 0.5) * 3);
    case "circleclose":
      return smoothstep(0, 1, u + (0.5 - xp) * 3);
    // u = atan2(dx, dy) in radians (0 straight down, +π/2 to the right): B = smoothstep(u - (progress - 0.5)*2.5π).
    case "radial":
      return smoothstep(0, 1, u - (xp - 0.5) * Math.PI * 2.5);
    default:
      return p;
  }
}

/**
 * Gradient stops for a mask transition: `n + 1` (offset, alpha) pairs over the gradient's length, where `uAt(offset)`
 * maps a stop's offset in [0, 1] to the transition's `u`.
 */
export function maskStops(transition: Transition, p: number, uAt: (offset: number) => number, n = 32): [number, number][] {
  return Array.from({ length: n + 1 }, (_, k) => [k / n, maskWeight(transition, p, uAt(k / n))] as [number, number]);
}

/**
 * For radial: a conic gradient starting straight up (canvas angle -π/2) and turning clockwise covers xfade's
 * atan2(dx, dy) from π down to -π: offset f is u = π - 2πf.
 */
export const radialU = (offset: number) => Math.PI - 2 * Math.PI * offset;

/** wipe / slide geometry in pixels of a frame `width` wide. */
export function wipeSplit(transition: "wipeleft" | "wiperight", p: number, width: number): { bFrom: number; bTo: number } {
  const xp = 1 - p;
  // wipeleft: B where x > width*progress; wiperight: B where x <= width*(1 - progress).
  return transition === "wipeleft" ? { bFrom: Math.trunc(width * xp) + 1, bTo: width } : { bFrom: 0, bTo: Math.trunc(width * (1 - xp)) + 1 };
}

export function slideOffsets(transition: "slideleft" | "slideright", p: number, width: number): { a: number; b: number } {
  return transition === "slideleft" ? { a: -p * width, b: (1 - p) * width } : { a: p * width, b: -(1 - p) * width };
}

/** zoomin: A zoomed into its centre (the shown part is `zoom` of each side) fading out over B. */
export function zoominParams(p: number): { zoom: number; aAlpha: number } {
  const xp = 1 - p;
  return { zoom: smoothstep(0.5, 1, xp), aAlpha: smoothstep(0, 0.5, xp) };
}

/** pixelize: the block side in pixels (0: none) and B's weight in the mix the blocks are taken from. */
export function pixelizeParams(p: number, width: number, height: number): { block: number; b: number } {
  const xp = 1 - p;
  const d = Math.min(xp, 1 - xp);
  const dist = Math.ceil(d * 50) / 50;
  return { block: (2 * dist * Math.min(width, height)) / 20, b: p };
}
