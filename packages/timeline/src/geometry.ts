export interface Size {
  width: number;
  height: number;
}

/** A rectangle; its unit (pixels, or fractions of a canvas) is said where it is used. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

export function lerpRect(a: Rect, b: Rect, t: number): Rect {
  return { x: lerp(a.x, b.x, t), y: lerp(a.y, b.y, t), width: lerp(a.width, b.width, t), height: lerp(a.height, b.height, t) };
}

/** `r` (in fractions of a canvas) in the pixels of a canvas of `size`. */
export function scaleRect(r: Rect, size: Size): Rect {
  return { x: r.x * size.width, y: r.y * size.height, width: r.width * size.width, height: r.height * size.height };
}
