import type { Rect, Size } from "@photoreel/timeline";
import { RESAMPLE_WASM } from "./resample-wasm";

interface Kernel {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  vpass: (src: number, sstride: number, dst: number, dstride: number, width: number, rows: number, tab: number) => void;
  hpass: (src: number, sstride: number, dst: number, dstride: number, blocks: number, rows: number, tab: number) => void;
  blend: (a: number, b: number, dst: number, len: number, w: number) => void;
}

// The WebAssembly global, which Node has but @types/node (without the DOM library) does not declare.
const wasm = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } };
}).WebAssembly;

const PAD = 32;
const up16 = (n: number) => Math.ceil(n / 16) * 16;

/** An instance of resample.wat with at least `bytes` of memory. */
function kernel(bytes: number): Kernel {
  const k = new wasm.Instance(new wasm.Module(Buffer.from(RESAMPLE_WASM, "base64"))).exports as unknown as Kernel;
  const pages = Math.ceil(bytes / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  return k;
}

/**
 * Draws yuv420p frames of `out` size from a window of a source image given in fractional source pixels: a bilinear
 * filter evaluated at the exact sub-pixel position of every output pixel (resample.wat, WebAssembly SIMD), so a
 * window moving by a fraction of a pixel moves the picture by exactly that much. FFmpeg's zoompan crops at whole
 * (even) pixels, which made Ken Burns motion judder. Meant for windows 1-2x the output size (the Ken Burns canvas).
 */
export class FrameResampler {
  private readonly k: Kernel;
  private source: Size = { width: 0, height: 0 };
  private readonly layout: { src: number[]; tmp: number; out: number; vtab: number; htab: number; srcBytes: number };

  constructor(
    private readonly out: Size,
    maxSource: Size,
  ) {
    if (out.width % 2 || out.height % 2 || maxSource.width % 2 || maxSource.height % 2) throw new Error("yuv420p sizes must be even");
    const lumaStride = up16(maxSource.width) + PAD;
    const srcBytes = lumaStride * (maxSource.height + 2);
    // Source planes (Y, U, V, each with a spare row and column padding), then the vertical pass's rows, the output
    // plane and the two tables, all sized for luma and reused for chroma.
    let at = 0;
    const take = (bytes: number) => {
      const start = at;
      at += up16(bytes);
      return start;
    };
    const src = [take(srcBytes), take(srcBytes / 2), take(srcBytes / 2)];
    const tmp = take(lumaStride * out.height);
    const outPlane = take(up16(out.width) * out.height);
    const vtab = take(12 * out.height);
    const htab = take(160 * (up16(out.width) / 16));
    this.layout = { src, tmp, out: outPlane, vtab, htab, srcBytes };
    this.k = kernel(at);
  }

  /** Loads the source image: a packed yuv420p frame of `size` (at most the constructor's `maxSource`). */
  setSource(yuv: Uint8Array, size: Size): void {
    const { width: w, height: h } = size;
    if (yuv.length !== w * h * 1.5) throw new Error(`expected ${w}x${h} yuv420p (${w * h * 1.5} bytes), got ${yuv.length}`);
    this.source = size;
    const mem = new Uint8Array(this.k.memory.buffer);
    let read = 0;
    this.planes().forEach((p, i) => {
      const base = this.layout.src[i]!;
      for (let y = 0; y < p.height; y++, read += p.width) mem.set(yuv.subarray(read, read + p.width), base + y * p.stride);
      // The filter may read one row below the last with a zero weight: repeat the last row there.
      mem.copyWithin(base + p.height * p.stride, base + (p.height - 1) * p.stride, base + p.height * p.stride);
    });
  }

  /**
   * A packed yuv420p frame of the output size showing `window` (in source luma pixels, fractional), drawn into
   * `into` when given (a buffer of that size the caller reuses) or a new buffer.
   */
  frame(window: Rect, into?: Buffer): Buffer {
    const { width: W, height: H } = this.out;
    const frame = into ?? Buffer.allocUnsafe(W * H * 1.5);
    if (frame.length !== W * H * 1.5) throw new Error(`expected a frame buffer of ${W * H * 1.5} bytes`);
    let written = 0;
    this.planes().forEach((p, i) => {
      const div = i === 0 ? 1 : 2;
      const ow = W / div;
      const oh = H / div;
      const rect = { x: window.x / div, y: window.y / div, width: window.width / div, height: window.height / div };
      this.tables(rect, p, { width: ow, height: oh });
      const { tmp, out, vtab, htab } = this.layout;
      const blocks = up16(ow) / 16;
      this.k.vpass(this.layout.src[i]!, p.stride, tmp, p.stride, up16(p.width), oh, vtab);
      this.k.hpass(tmp, p.stride, out, blocks * 16, blocks, oh, htab);
      const mem = new Uint8Array(this.k.memory.buffer);
      for (let y = 0; y < oh; y++, written += ow) frame.set(mem.subarray(out + y * blocks * 16, out + y * blocks * 16 + ow), written);
    });
    return frame;
  }

  private planes() {
    const { width: w, height: h } = this.source;
    const luma = up16(w) + PAD;
    return [
      { width: w, height: h, stride: luma },
      { width: w / 2, height: h / 2, stride: luma / 2 },
      { width: w / 2, height: h / 2, stride: luma / 2 },
    ];
  }

  /**
   * Where each output row and column of a plane falls in the source plane: integer part and 7-bit weight. Runs for
   * every plane of every frame, so it writes the tables straight through typed views and allocates nothing: built
   * with closures and small arrays it took far longer than the SIMD passes themselves (and fed the GC).
   */
  private tables(rect: Rect, plane: { width: number; height: number; stride: number }, out: Size): void {
    const { vtab, htab } = this.layout;
    const { i32, i16, u8 } = this.views();
    // Pixel centres: output pixel k covers [k, k + 1); its centre maps into the window, less half a source pixel.
    const stepY = rect.height / out.height;
    const maxY = plane.height - 1;
    for (let k = 0, at = vtab >> 2; k < out.height; k++, at += 3) {
      const p = Math.min(Math.max(rect.y + (k + 0.5) * stepY - 0.5, 0), maxY);
      let i = Math.floor(p);
      let f = Math.round((p - i) * 128);
      if (f === 128) {
        i += 1;
        f = 0;
      }
      i32[at] = i * plane.stride;
      i32[at + 1] = 128 - f;
      i32[at + 2] = f;
    }
    const stepX = rect.width / out.width;
    const maxX = plane.width - 1;
    const lastColumn = out.width - 1;
    const groups = up16(out.width) / 8;
    for (let g = 0; g < groups; g++) {
      const at = htab + g * 80;
      let base = 0;
      for (let l = 0; l < 8; l++) {
        const p = Math.min(Math.max(rect.x + (Math.min(g * 8 + l, lastColumn) + 0.5) * stepX - 0.5, 0), maxX);
        let i = Math.floor(p);
        let f = Math.round((p - i) * 128);
        if (f === 128) {
          i += 1;
          f = 0;
        }
        if (l === 0) base = i;
        const o = i - base;
        if (o < 0 || o > 14) throw new Error("the window is too large for the resampler (more than 1.75 source pixels per output pixel)");
        // Masks pick byte o (and o + 1) into the low byte of 16-bit lane l; 0xff picks zero for the high byte.
        u8[at + 2 * l] = o;
        u8[at + 2 * l + 1] = 0xff;
        u8[at + 16 + 2 * l] = o + 1;
        u8[at + 16 + 2 * l + 1] = 0xff;
        i16[((at + 32) >> 1) + l] = 128 - f;
        i16[((at + 48) >> 1) + l] = f;
      }
      i32[(at + 64) >> 2] = base;
    }
  }

  private cachedViews?: { buffer: ArrayBuffer; i32: Int32Array; i16: Int16Array; u8: Uint8Array };

  /** Typed views of the module's memory (made again only if it ever grows, which detaches the old buffer). */
  private views() {
    const buffer = this.k.memory.buffer;
    if (this.cachedViews?.buffer !== buffer) this.cachedViews = { buffer, i32: new Int32Array(buffer), i16: new Int16Array(buffer), u8: new Uint8Array(buffer) };
    return this.cachedViews;
  }
}

/**
 * Cross-fades two packed frames of one size: `mix(a, b, w)` is a * (1 - w) + b * w, rounded, in 1/256 steps. It
 * draws what FFmpeg's xfade `fade` draws (within 1 of 255, which truncates) for a Ken Burns transition without a
 * FFmpeg run fed both sides' frames through pipes (bench/render/kb-profile: most of the writer's child CPU).
 */
export class FrameBlender {
  private readonly k: Kernel;
  private readonly stride: number;

  constructor(private readonly bytes: number) {
    this.stride = up16(bytes);
    this.k = kernel(3 * this.stride);
  }

  /** The blend, into `into` when given (a frame-sized buffer the caller reuses; it may be `a` or `b`) or a new buffer. */
  mix(a: Uint8Array, b: Uint8Array, w: number, into?: Buffer): Buffer {
    if (a.length !== this.bytes || b.length !== this.bytes) throw new Error(`expected two frames of ${this.bytes} bytes`);
    if (into && into.length !== this.bytes) throw new Error(`expected a frame buffer of ${this.bytes} bytes`);
    const mem = new Uint8Array(this.k.memory.buffer);
    mem.set(a, 0);
    mem.set(b, this.stride);
    this.k.blend(0, this.stride, 2 * this.stride, this.stride, Math.round(Math.min(Math.max(w, 0), 1) * 256));
    const out = mem.subarray(2 * this.stride, 2 * this.stride + this.bytes);
    if (!into) return Buffer.from(out);
    into.set(out);
    return into;
  }
}
