import type { FocalPoint } from "@photoreel/contracts";
import type { Timeline } from "./plan";
import { lerpRect, type Rect } from "./geometry";

/**
 * Ken Burns moves a window over the slide's canvas: the photo fitted (cover, contain or blur) to the frame's aspect.
 * Rectangles are in fractions of that canvas (the whole canvas is {0, 0, 1, 1}) and keep the frame's aspect, so
 * the same numbers drive the render at any canvas resolution and a live preview drawing the canvas into a <canvas>.
 */
export interface KenBurnsMotion {
  /** The window on the slide's first frame. */
  from: Rect;
  /** The window on its last frame. */
  to: Rect;
}

/** The deepest zoom any motion reaches: a canvas this many times the frame never needs upscaling. */
export const KEN_BURNS_MAX_ZOOM = 1.15;

/** Where the zoomed-in window sits, as fractions of the room left around it; cycled so neighbours differ. */
const ANCHORS = [
  [0.8, 0.5],
  [0.2, 0.7],
  [0.5, 0.8],
  [0.3, 0.3],
] as const;

/**
 * The motion of slide `slide`: even slides zoom in from the whole canvas, odd ones zoom out to it, and the zoomed
 * window's place cycles through ANCHORS, so consecutive slides never move the same way.
 *
 * With `focal` (the subject, in fractions of the canvas: see `focalInFrame`), every slide ends on it instead: its
 * last window is the zoomed window centred on the subject (moved inside the canvas at its edges). Even slides zoom in
 * to it from the whole canvas; odd ones pan to it at that zoom, from whichever of the mirrored window and the slide's
 * ANCHORS window (or its mirror) is farthest away, so the pan is as long as the canvas allows.
 */
export function kenBurnsMotion(slide: number, focal?: FocalPoint): KenBurnsMotion {
  const [ax, ay] = ANCHORS[slide % ANCHORS.length]!;
  const side = 1 / KEN_BURNS_MAX_ZOOM;
  const room = 1 - side;
  const at = (x: number, y: number): Rect => ({ x, y, width: side, height: side });
  const whole = { x: 0, y: 0, width: 1, height: 1 };
  if (!focal) {
    const zoomed = at(room * ax, room * ay);
    return slide % 2 === 0 ? { from: whole, to: zoomed } : { from: zoomed, to: whole };
  }
  const inside = (n: number) => Math.min(room, Math.max(0, n));
  const to = at(inside(focal.x - side / 2), inside(focal.y - side / 2));
  if (slide % 2 === 0) return { from: whole, to };
  const candidates = [at(room - to.x, room - to.y), at(room * ax, room * ay), at(room * (1 - ax), room * (1 - ay))];
  const far = (r: Rect) => Math.hypot(r.x - to.x, r.y - to.y);
  return { from: candidates.reduce((a, b) => (far(b) > far(a) ? b : a)), to };
}

/**
 * The window at `progress` (0 on the slide's first frame, 1 on its last). Each edge moves at a constant speed, so
 * a point of the photo moves smoothly and monotonically across the frame: no easing, nothing to jitter.
 */
export function kenBurnsWindow(motion: KenBurnsMotion, progress: number): Rect {
  return lerpRect(motion.from, motion.to, Math.min(1, Math.max(0, progress)));
}

/**
 * The window on frame `frame` of slide `slide` (0 = its first frame, its transition in included); `focal` as for
 * `kenBurnsMotion` (in fractions of the slide's canvas), absent for the classic motion.
 */
export function kenBurnsRect(plan: Timeline, slide: number, frame: number, focal?: FocalPoint): Rect {
  const frames = plan.slides[slide]?.frames;
  if (frames === undefined) throw new RangeError(`no slide ${slide}`);
  return kenBurnsWindow(kenBurnsMotion(slide, focal), frame / Math.max(1, frames - 1));
}
