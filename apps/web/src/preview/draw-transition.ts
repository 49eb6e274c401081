import type { Transition } from "@photoreel/contracts";
import { fadeThroughWeights, maskStops, pixelizeParams, radialU, slideOffsets, wipeSplit, zoominParams } from "./xfade-math";

type Ctx = CanvasRenderingContext2D;
export type Layer = HTMLCanvasElement;

/** Scratch canvases a transition may draw through, kept between frames (allocating one per frame costs more). */
export class Scratch {
  private canvases = new Map<string, HTMLCanvasElement>();
  private noise: { w: number; h: number; values: Float32Array; image: ImageData } | null = null;

  canvas(name: string, width: number, height: number): { canvas: HTMLCanvasElement; ctx: Ctx } {
    let c = this.canvases.get(name);
    if (!c) {
      c = document.createElement("canvas");
      this.canvases.set(name, c);
    }
    if (c.width !== width || c.height !== height) {
      c.width = width;
      c.height = height;
    }
    const ctx = c.getContext("2d", { willReadFrequently: name === "dissolve" })!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = "source-over";
    ctx.filter = "none";
    ctx.imageSmoothingEnabled = true;
    return { canvas: c, ctx };
  }

  /** One fixed random value per pixel (dissolve's per-pixel noise), made once per size. */
  noiseField(width: number, height: number) {
    if (!this.noise || this.noise.w !== width || this.noise.h !== height) {
      const values = new Float32Array(width * height);
      // A fixed-seed generator, so scrubbing back and forth shows the same pattern.
      let s = 0x9e3779b9;
      for (let i = 0; i < values.length; i++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        values[i] = (s >>> 0) / 4294967296;
      }
      this.noise = { w: width, h: height, values, image: new ImageData(width, height) };
    }
    return this.noise;
  }
}

/** Masks layer `b` (in place) with alpha stops along a gradient, then draws it over what `ctx` already holds. */
function drawMasked(ctx: Ctx, b: Layer, gradient: CanvasGradient, stops: [number, number][]) {
  for (const [offset, alpha] of stops) gradient.addColorStop(offset, `rgba(0,0,0,${alpha.toFixed(4)})`);
  const bctx = b.getContext("2d")!;
  bctx.save();
  bctx.globalCompositeOperation = "destination-in";
  bctx.fillStyle = gradient;
  bctx.fillRect(0, 0, b.width, b.height);
  bctx.restore();
  ctx.drawImage(b, 0, 0);
}

/**
 * Draws the transition from layer `a` to layer `b` (each the whole frame, captions included) at progress `p`, the
 * way FFmpeg's xfade draws it (xfade-math.ts). Layer `b` may be modified.
 */
export function drawTransition(ctx: Ctx, transition: Transition, p: number, a: Layer, b: Layer, scratch: Scratch): void {
  const w = ctx.canvas.width;
  const h = ctx.canvas.height;
  ctx.save();
  switch (transition) {
    case "none":
    case "fade":
      ctx.drawImage(a, 0, 0);
      ctx.globalAlpha = p;
      ctx.drawImage(b, 0, 0);
      break;
    case "fadeblack":
    case "fadewhite": {
      const { a: wa, b: wb } = fadeThroughWeights(p);
      const level = transition === "fadewhite" ? Math.round(255 * Math.max(0, 1 - wa - wb)) : 0;
      ctx.fillStyle = `rgb(${level},${level},${level})`;
      ctx.fillRect(0, 0, w, h);
      ctx.globalCompositeOperation = "lighter";
      ctx.globalAlpha = wa;
      ctx.drawImage(a, 0, 0);
      ctx.globalAlpha = wb;
      ctx.drawImage(b, 0, 0);
      break;
    }
    case "wipeleft":
    case "wiperight": {
      const { bFrom, bTo } = wipeSplit(transition, p, w);
      ctx.drawImage(a, 0, 0);
      if (bTo > bFrom) ctx.drawImage(b, bFrom, 0, bTo - bFrom, h, bFrom, 0, bTo - bFrom, h);
      break;
    }
    case "slideleft":
    case "slideright": {
      const o = slideOffsets(transition, p, w);
      ctx.drawImage(a, Math.round(o.a), 0);
      ctx.drawImage(b, Math.round(o.b), 0);
      break;
    }
    case "smoothleft":
    case "smoothright": {
      ctx.drawImage(a, 0, 0);
      const g = transition === "smoothleft" ? ctx.createLinearGradient(0, 0, w, 0) : ctx.createLinearGradient(w, 0, 0, 0);
      drawMasked(ctx, b, g, maskStops(transition, p, (u) => u));
      break;
    }
    case "circleopen":
    case "circleclose": {
      ctx.drawImage(a, 0, 0);
      const r = Math.hypot(w / 2, h / 2);
      drawMasked(ctx, b, ctx.createRadialGradient(w / 2, h / 2, 0, w / 2, h / 2, r), maskStops(transition, p, (u) => u));
      break;
    }
    case "radial": {
      ctx.drawImage(a, 0, 0);
      drawMasked(ctx, b, ctx.createConicGradient(-Math.PI / 2, w / 2, h / 2), maskStops(transition, p, radialU, 96));
      break;
    }
    case "zoomin": {
      const { zoom, aAlpha } = zoominParams(p);
      ctx.drawImage(b, 0, 0);
      if (zoom > 0 && aAlpha > 0) {
        ctx.globalAlpha = aAlpha;
        const sw = Math.max(1, w * zoom);
        const sh = Math.max(1, h * zoom);
        ctx.drawImage(a, (w - sw) / 2, (h - sh) / 2, sw, sh, 0, 0, w, h);
      } else if (aAlpha > 0) {
        // Zoomed all the way in: the centre pixel fills the frame.
        ctx.globalAlpha = aAlpha;
        ctx.drawImage(a, Math.floor(w / 2), Math.floor(h / 2), 1, 1, 0, 0, w, h);
      }
      break;
    }
    case "pixelize": {
      const { block } = pixelizeParams(p, w, h);
      const mix = scratch.canvas("pixelize-mix", w, h);
      mix.ctx.drawImage(a, 0, 0);
      mix.ctx.globalAlpha = p;
      mix.ctx.drawImage(b, 0, 0);
      if (block < 1) {
        ctx.drawImage(mix.canvas, 0, 0);
        break;
      }
      const cols = Math.ceil(w / block);
      const rows = Math.ceil(h / block);
      const small = scratch.canvas("pixelize-small", cols, rows);
      small.ctx.imageSmoothingEnabled = false;
      small.ctx.drawImage(mix.canvas, 0, 0, cols * block, rows * block, 0, 0, cols, rows);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small.canvas, 0, 0, cols, rows, 0, 0, cols * block, rows * block);
      break;
    }
    case "dissolve": {
      // B where the pixel's fixed random value is below p (xfade: A where r*2 + progress*2 - 1.5 >= 0.5).
      const noise = scratch.noiseField(w, h);
      const data = noise.image.data;
      for (let i = 0; i < noise.values.length; i++) data[i * 4 + 3] = noise.values[i]! < p ? 255 : 0;
      const mask = scratch.canvas("dissolve", w, h);
      mask.ctx.putImageData(noise.image, 0, 0);
      const bctx = b.getContext("2d")!;
      bctx.save();
      bctx.globalCompositeOperation = "destination-in";
      bctx.drawImage(mask.canvas, 0, 0);
      bctx.restore();
      ctx.drawImage(a, 0, 0);
      ctx.drawImage(b, 0, 0);
      break;
    }
  }
  ctx.restore();
}
