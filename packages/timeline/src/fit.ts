import type { Fit, FocalPoint } from "@photoreel/contracts";
import type { Rect, Size } from "./geometry";

/** The photo's centre: where a photo without a focal point is cropped around. */
export const CENTRE: FocalPoint = { x: 0.5, y: 0.5 };

/** How a photo fills a frame. All rectangles are in whole pixels, so the render and a preview agree exactly. */
export interface FitGeometry {
  /** The part of the photo shown, in photo pixels: all of it, unless `cover` crops it. */
  crop: Rect;
  /** Where that part lands in the frame, in frame pixels: the whole frame for `cover`. */
  place: Rect;
  /**
   * What fills the frame around `place`: nothing (`cover` fills it), black (`contain`), or the photo itself
   * cover-fitted (`fitGeometry("cover", ...)`), blurred and darkened (`blur`).
   */
  background: "none" | "black" | "blur";
}

/**
 * Fits a photo (its size as displayed, EXIF orientation applied) into a frame: `cover` crops the photo to the frame's
 * aspect around `focal` (fractions of the photo; its centre by default), as central in the crop as the photo's edges
 * allow; `contain` shows all of it centred on black, `blur` centres all of it over a blurred copy (of its cover crop).
 */
export function fitGeometry(fit: Fit, photo: Size, frame: Size, focal: FocalPoint = CENTRE): FitGeometry {
  const whole = { x: 0, y: 0, width: photo.width, height: photo.height };
  const full = { x: 0, y: 0, width: frame.width, height: frame.height };
  const photoWider = photo.width * frame.height > frame.width * photo.height;
  if (fit === "cover") {
    const width = photoWider ? clampSide((photo.height * frame.width) / frame.height, photo.width) : photo.width;
    const height = photoWider ? photo.height : clampSide((photo.width * frame.height) / frame.width, photo.height);
    return { crop: around(width, height, photo, focal), place: full, background: "none" };
  }
  const width = photoWider ? frame.width : clampSide((photo.width * frame.height) / photo.height, frame.width);
  const height = photoWider ? clampSide((photo.height * frame.width) / photo.width, frame.height) : frame.height;
  return { crop: whole, place: centred(width, height, frame), background: fit === "contain" ? "black" : "blur" };
}

const clampSide = (n: number, max: number) => Math.min(max, Math.max(1, Math.round(n)));
/**
 * Where `focal` (fractions of the photo) lands in the frame, as fractions of the frame: for a Ken Burns canvas (the
 * photo fitted to the frame's aspect), the point its motion ends on.
 */
export function focalInFrame(fit: Fit, photo: Size, frame: Size, focal: FocalPoint = CENTRE): FocalPoint {
  const g = fitGeometry(fit, photo, frame, focal);
  const px = focal.x * photo.width, py = focal.y * photo.height;
  if (fit === "cover") return { x: clamp01((px - g.crop.x) / g.crop.width), y: clamp01((py - g.crop.y) / g.crop.height) };
  return { x: clamp01((g.place.x + focal.x * g.place.width) / frame.width), y: clamp01((g.place.y + focal.y * g.place.height) / frame.height) };
}

const clamp01 = (n: number) => Math.min(1, Math.max(0, n));
/** A width x height window of `within` centred on `focal`, moved back inside when it would cross an edge. At the centre
 * this is exactly the old centred crop (floor of half the room), so renders without a focal point do not move. */
const around = (width: number, height: number, within: Size, focal: FocalPoint): Rect => ({
  x: Math.min(within.width - width, Math.max(0, Math.floor(focal.x * within.width - width / 2))),
  y: Math.min(within.height - height, Math.max(0, Math.floor(focal.y * within.height - height / 2))),
  width,
  height,
});
const centred = (width: number, height: number, within: Size): Rect => ({
  x: Math.floor((within.width - width) / 2),
  y: Math.floor((within.height - height) / 2),
  width,
  height,
});
