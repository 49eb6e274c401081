import { captionsOn, DEFAULT_TITLE_COLOUR, type PhotoView, type VideoSpec } from "@photoreel/contracts";
import { captionLayout, fitGeometry, focalInFrame, frameContent, kenBurnsRect, KEN_BURNS_MAX_ZOOM, scaleRect, textColourOn, titleTextAlpha, titleTextLayout, type Timeline } from "@photoreel/timeline";
import { drawTransition, Scratch } from "./draw-transition";

/** A decoded photo (its 1600-px preview), upright as the browser shows it. */
export type Photo = HTMLImageElement | ImageBitmap;

/** What a slide shows until its photo is decoded: never another photo. */
const PLACEHOLDER = "#2a2a2a";
const FONT = `"DejaVu Sans", "Bitstream Vera Sans", Verdana, sans-serif`;
const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * Draws frames of a spec on a 2D canvas with the timeline's numbers: which slide (or transition, or title) a frame
 * shows comes from `frameContent`, the Ken Burns window from `kenBurnsRect`, the fit from `fitGeometry`, the caption
 * band from `captionLayout` and the title text from `titleTextLayout`, so the picture follows the render's rules.
 * Each slide's fitted canvas (the render's pre-scaled photo) is made once and reused until the spec or size changes;
 * a slide whose photo is not decoded yet gets none (its placeholder is drawn each time), so a photo that arrives later
 * is fitted on the next draw, and decoded photos are never dropped (photo-cache.ts).
 */
export class FrameDrawer {
  private slideCanvases = new Map<number, HTMLCanvasElement>();
  /** Where a slide's focal point landed on its fitted canvas: its Ken Burns motion ends there (as the render's). */
  private canvasFocals = new Map<number, { x: number; y: number }>();
  private scratch = new Scratch();
  private canvasSize: { width: number; height: number };
  private quality: ImageSmoothingQuality = "high";

  constructor(
    readonly spec: VideoSpec,
    readonly plan: Timeline,
    private photoOf: (photoId: string) => Photo | undefined,
  ) {
    const scale = spec.kenBurns ? KEN_BURNS_MAX_ZOOM : 1;
    this.canvasSize = { width: even(plan.width * scale), height: even(plan.height * scale) };
  }

  /** The photos frame `frame` shows: none for a plain title card, the first slide's under a photo title. */
  photosFor(frame: number): string[] {
    const c = frameContent(this.plan, frame);
    const slides = c.kind === "title" ? (this.spec.titleCard?.style === "photo" ? [0] : []) : c.kind === "slide" ? [c.slide] : [c.slide, c.slide + 1];
    return slides.map((i) => this.spec.slides[i]!.photoId);
  }

  /** Whether every photo frame `frame` needs has been decoded (a frame drawn before shows grey placeholders). */
  ready(frame: number): boolean {
    return this.photosFor(frame).every((id) => this.photoOf(id) !== undefined);
  }

  /**
   * Draws output frame `frame`. `fast` (while playing) resamples with the browser's default filter instead of its
   * high-quality one, which costs several times more per frame in software rendering; a paused frame is drawn sharp.
   */
  draw(ctx: CanvasRenderingContext2D, frame: number, fast = false): void {
    this.quality = fast ? "low" : "high";
    const { width, height } = this.plan;
    const c = frameContent(this.plan, frame);
    ctx.save();
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = "source-over";
    if (c.kind === "title") this.drawTitle(ctx, c.frame);
    else if (c.kind === "slide") this.drawSlide(ctx, c.slide, c.frame);
    else {
      const a = this.scratch.canvas("a", width, height);
      const b = this.scratch.canvas("b", width, height);
      this.drawSlide(a.ctx, c.slide, c.frames[0]);
      this.drawSlide(b.ctx, c.slide + 1, c.frames[1]);
      drawTransition(ctx, c.transition, c.progress, a.canvas, b.canvas, this.scratch);
    }
    ctx.restore();
  }

  /** Slide `slide` at its own frame `frame`: its fitted canvas through the Ken Burns window, then its caption. */
  private drawSlide(ctx: CanvasRenderingContext2D, slide: number, frame: number): void {
    const { width, height } = this.plan;
    if (!this.photoOf(this.spec.slides[slide]!.photoId)) {
      // Not decoded yet: the placeholder, filled straight in (resampling a grey canvas costs as much as a photo).
      ctx.fillStyle = PLACEHOLDER;
      ctx.fillRect(0, 0, width, height);
      return;
    }
    const canvas = this.slideCanvas(slide);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = this.quality;
    if (this.plan.kenBurns) {
      const r = scaleRect(kenBurnsRect(this.plan, slide, frame, this.canvasFocals.get(slide)), this.canvasSize);
      ctx.drawImage(canvas, r.x, r.y, r.width, r.height, 0, 0, width, height);
    } else ctx.drawImage(canvas, 0, 0, width, height);
    const caption = captionsOn(this.spec) ? this.spec.slides[slide]?.caption : undefined;
    if (caption) drawCaption(ctx, caption, { width, height });
  }

  /** The render's pre-scaled photo: fitted (cover, contain on black, or blur) to the frame, or the Ken Burns canvas. */
  private slideCanvas(slide: number): HTMLCanvasElement {
    const hit = this.slideCanvases.get(slide);
    if (hit) return hit;
    const { width, height } = this.canvasSize;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d")!;
    const photo = this.photoOf(this.spec.slides[slide]!.photoId);
    if (!photo) {
      ctx.fillStyle = PLACEHOLDER;
      ctx.fillRect(0, 0, width, height);
      return canvas;
    }
    this.slideCanvases.set(slide, canvas);
    const size = { width: photo.width, height: photo.height };
    const focal = this.spec.slides[slide]!.focal;
    const g = fitGeometry(this.spec.fit, size, { width, height }, focal);
    if (focal) this.canvasFocals.set(slide, focalInFrame(this.spec.fit, size, { width, height }, focal));
    ctx.imageSmoothingQuality = "high";
    if (g.background !== "none") {
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, width, height);
    }
    if (g.background === "blur") {
      // As the render: the photo cover-fitted at an eighth of the size, blurred (sigma 3), darkened to 70%, enlarged.
      const cover = fitGeometry("cover", size, { width, height }, focal).crop;
      const sw = Math.max(8, Math.round(width / 8));
      const sh = Math.max(8, Math.round(height / 8));
      const small = this.scratch.canvas("blur-src", sw, sh);
      small.ctx.drawImage(photo, cover.x, cover.y, cover.width, cover.height, 0, 0, sw, sh);
      const blurred = this.scratch.canvas("blur", sw, sh);
      // Edge pixels repeated under the blur, as sharp's blur extends the image, so the edges do not darken.
      blurred.ctx.drawImage(small.canvas, -2, -2, sw + 4, sh + 4);
      blurred.ctx.filter = "blur(3px) brightness(0.7)";
      blurred.ctx.drawImage(small.canvas, 0, 0);
      blurred.ctx.filter = "none";
      ctx.drawImage(blurred.canvas, 0, 0, width, height);
    }
    const { crop, place } = g;
    ctx.drawImage(photo, crop.x, crop.y, crop.width, crop.height, place.x, place.y, place.width, place.height);
    return canvas;
  }

  private drawTitle(ctx: CanvasRenderingContext2D, frame: number): void {
    const card = this.spec.titleCard!;
    const { width, height } = this.plan;
    const style = card.style ?? "plain";
    const colour = card.colour ?? DEFAULT_TITLE_COLOUR;
    if (style === "photo") {
      // As the render: the first slide's canvas at a quarter size, blurred (sigma 3), enlarged and dimmed.
      const sw = even(width / 4);
      const sh = even(height / 4);
      const small = this.scratch.canvas("title-src", sw, sh);
      small.ctx.drawImage(this.slideCanvas(0), 0, 0, sw, sh);
      const blurred = this.scratch.canvas("title-blur", sw, sh);
      blurred.ctx.drawImage(small.canvas, -2, -2, sw + 4, sh + 4);
      blurred.ctx.filter = "blur(3px)";
      blurred.ctx.drawImage(small.canvas, 0, 0);
      blurred.ctx.filter = "none";
      ctx.drawImage(blurred.canvas, 0, 0, width, height);
      // eq=brightness=-0.12 takes 12% of full scale off every pixel's luma; a 2D canvas cannot subtract, and a
      // translucent black darkens typical photo tones by about as much.
      ctx.fillStyle = "rgba(0,0,0,0.18)";
      ctx.fillRect(0, 0, width, height);
    } else {
      ctx.fillStyle = style === "colour" ? colour : "#000";
      ctx.fillRect(0, 0, width, height);
    }
    const layout = titleTextLayout({ text: card.text, ...(card.subtitle ? { subtitle: card.subtitle } : {}) }, { width, height });
    const text = style === "colour" ? textColourOn(colour) : "white";
    ctx.globalAlpha = titleTextAlpha(frame, this.plan.titleFrames, this.plan.fps);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = text;
    if (style === "photo") {
      const offset = Math.max(1, Math.round(layout.fontSize / 20));
      ctx.shadowColor = "rgba(0,0,0,0.6)";
      ctx.shadowOffsetX = offset;
      ctx.shadowOffsetY = offset;
    }
    ctx.font = `bold ${layout.fontSize}px ${FONT}`;
    layout.lines.forEach((line, i) => ctx.fillText(line, width / 2, layout.blockTop + layout.lineHeight * (i + 0.5)));
    if (layout.subtitle) {
      ctx.font = `${layout.subtitle.fontSize}px ${FONT}`;
      ctx.globalAlpha *= 0.85;
      ctx.fillText(layout.subtitle.text, width / 2, layout.blockTop + layout.lineHeight * layout.lines.length + layout.subtitle.lineHeight / 2);
    }
    ctx.shadowColor = "transparent";
  }
}

/** The lower third as the render draws it: a translucent black band, each line centred in white with a soft shadow. */
export function drawCaption(ctx: CanvasRenderingContext2D, caption: string, frame: { width: number; height: number }): void {
  const layout = captionLayout(caption, frame);
  if (!layout) return;
  ctx.save();
  ctx.fillStyle = "rgba(0,0,0,0.55)";
  ctx.fillRect(0, layout.bandTop, frame.width, layout.bandHeight);
  const shadow = Math.max(1, Math.round(layout.fontSize / 16));
  ctx.font = `${layout.fontSize}px ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillStyle = "white";
  ctx.shadowColor = "rgba(0,0,0,0.7)";
  ctx.shadowOffsetX = shadow;
  ctx.shadowOffsetY = shadow;
  layout.lines.forEach((line, i) => ctx.fillText(line, frame.width / 2, layout.lineTops[i]! + Math.round((layout.lineHeight - layout.fontSize) / 2)));
  ctx.restore();
}

/** The spec with each slide's focal point taken from its photo (a stamped one, from a reopened video, is kept). */
export function withFocalPoints(spec: VideoSpec, photos: Map<string, PhotoView>): VideoSpec {
  return { ...spec, slides: spec.slides.map((s) => (s.focal ? s : { ...s, focal: photos.get(s.photoId)?.focal ?? undefined })) };
}
