import sharp from "sharp";
import type { RawPixels } from "./open-photo";

/** A point as fractions (0..1) of the upright photo. */
export interface Focal {
  x: number;
  y: number;
}
export type FocalStrategy = "attention" | "entropy" | "saliency";

/** Every strategy works on a copy this size (longest side): enough for a subject, cheap (~65k pixels). */
const WORK_SIZE = 256;

const round = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000;

/** The upright pixels shrunk to WORK_SIZE, 3-channel sRGB. */
async function small({ data, info }: RawPixels): Promise<RawPixels> {
  const out = await sharp(data, { raw: info })
    .resize({ width: WORK_SIZE, height: WORK_SIZE, fit: "inside", withoutEnlargement: true })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Three channels even for a greyscale photo (toColourspace), which the saliency score indexes as RGB.
  if (out.info.channels !== 3) throw new Error(`expected 3 channels, got ${out.info.channels}`);
  return { data: out.data, info: { width: out.info.width, height: out.info.height, channels: 3 } };
}

/**
 * libvips' smartcrop (sharp's `position: attention | entropy`) picks a crop, not a point: the centre of a third-wide
 * crop gives x and of a third-high crop gives y. Both crops are at the same scale as the input (cover to a size no
 * larger on the other axis), so no resampling blurs what the strategy measures.
 */
async function smartcropPoint(p: RawPixels, position: "attention" | "entropy"): Promise<Focal> {
  const { width, height } = p.info;
  const crop = async (w: number, h: number) =>
    (await sharp(p.data, { raw: p.info }).resize(w, h, { fit: "cover", position: sharp.strategy[position] }).raw().toBuffer({ resolveWithObject: true })).info;
  const third = (n: number) => Math.max(1, Math.round(n / 3));
  const [narrow, flat] = await Promise.all([crop(third(width), height), crop(width, third(height))]);
  return {
    x: round((-(narrow.cropOffsetLeft ?? 0) + third(width) / 2) / width),
    y: round((-(flat.cropOffsetTop ?? 0) + third(height) / 2) / height),
  };
}

/**
 * A cheap saliency map: each pixel scores its local detail (gradient to its neighbours) plus how far its colour is from
 * the photo's mean colour, with a bonus for skin tones (faces are what a crop must keep); the point is the weighted
 * centroid of the top 5% of scores. Plain backgrounds (sky, walls, bokeh) score low on both, however bright.
 */
function saliencyPoint({ data, info }: RawPixels): Focal {
  const { width: w, height: h, channels: c } = info;
  const n = w * h;
  let mr = 0, mg = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    mr += data[i * c]!;
    mg += data[i * c + 1]!;
    mb += data[i * c + 2]!;
  }
  mr /= n; mg /= n; mb /= n;
  const score = new Float32Array(n);
  const lum = (i: number) => 0.299 * data[i * c]! + 0.587 * data[i * c + 1]! + 0.114 * data[i * c + 2]!;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const r = data[i * c]!, g = data[i * c + 1]!, b = data[i * c + 2]!;
      const detail = Math.abs(lum(i + 1) - lum(i - 1)) + Math.abs(lum(i + w) - lum(i - w));
      const rarity = Math.hypot(r - mr, g - mg, b - mb);
      // A common RGB skin rule (Kovac et al.): light-to-dark skin under daylight.
      const skin = r > 95 && g > 40 && b > 20 && r > g && r > b && r - Math.min(g, b) > 15 && Math.abs(r - g) > 15 ? 60 : 0;
      score[i] = detail + rarity + skin;
    }
  }
  const sorted = Float32Array.from(score).sort();
  const cut = sorted[Math.floor(n * 0.95)]!;
  let sx = 0, sy = 0, sw = 0;
  for (let i = 0; i < n; i++) {
    const s = score[i]!;
    if (s < cut || s === 0) continue;
    sx += (i % w) * s;
    sy += Math.floor(i / w) * s;
    sw += s;
  }
  if (sw === 0) return { x: 0.5, y: 0.5 };
  return { x: round((sx / sw + 0.5) / w), y: round((sy / sw + 0.5) / h) };
}

/** One strategy's point, for measuring them against hand-marked photos (`focal.test.ts`). */
export async function focalPointBy(strategy: FocalStrategy, pixels: RawPixels): Promise<Focal> {
  const p = await small(pixels);
  return strategy === "saliency" ? saliencyPoint(p) : smartcropPoint(p, strategy);
}

/** The strategy that agreed best with the hand-marked photos (see focal.test.ts for the distances). */
export const FOCAL_STRATEGY: FocalStrategy = "attention";

/**
 * Where the photo's subject is, from its upright pixels (any size; the preview's are used at processing time).
 * A few milliseconds: the work is done on a 256-pixel copy.
 */
export function detectFocalPoint(pixels: RawPixels): Promise<Focal> {
  return focalPointBy(FOCAL_STRATEGY, pixels);
}
