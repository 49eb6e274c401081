import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import type { FocalPoint } from "@photoreel/contracts";
import { kenBurnsRect, pieces, scaleRect, type Piece, type Size, type Timeline } from "@photoreel/timeline";
import { abortError } from "./errors";
import { runFfmpeg, type StdinWriter } from "./ffmpeg";
import { applyCaption, captionOverlay, type CaptionOverlay } from "./caption-overlay";
import { buildFilterGraph, runsPerPlane, xfadeFilters, type CaptionText, type TitleLayout } from "./filter-graph";
import { FrameBlender, FrameResampler } from "./resampler";

export interface KenBurnsInput {
  plan: Timeline;
  /** Each slide's canvas: its photo pre-scaled and fitted to `canvas` (in slide order). */
  slideFiles: string[];
  canvas: Size;
  /** Per slide, where its focal point sits on its canvas (fractions): its motion ends there. Absent: the classic motion. */
  focals?: (FocalPoint | undefined)[];
  title?: TitleLayout;
  /** Per slide, its lower-third caption (drawn on every frame of the slide, after the pan and zoom). */
  captions?: (CaptionText | undefined)[];
  workDir: string;
  /**
   * Where the frames go, in order: the encoder's stdin itself (runFfmpeg's `stdin` function). Frame buffers are
   * reused once their write has called back, so this must be done with a chunk by then, as a socket, a file or a
   * sink that consumes it is; a PassThrough, which calls back while it still holds the chunk, is not.
   */
  frames: Writable;
  signal?: AbortSignal;
  onSpawn?: (pid: number) => void;
}

/**
 * Writes every frame of a Ken Burns video to `frames`: each slide's canvas is decoded once and every frame of it is
 * resampled at the timeline's exact window (FrameResampler), so the motion has no whole-pixel judder; fades are
 * blended here (FrameBlender), other transitions run through FFmpeg's xfade (one short run each, fed both sides'
 * frames interleaved on its stdin) and the title card through the same filtergraph as still videos. Two slides'
 * canvases are held at a time. Captions stay still over the moving photo: each is drawn once by FFmpeg into a blend
 * (captionOverlay) applied to the slide's frames.
 */
export async function writeKenBurnsFrames(input: KenBurnsInput): Promise<void> {
  const { plan, canvas, frames, signal } = input;
  // One resampler per parity, so a transition's two sides each keep their own canvas loaded.
  const resamplers = [0, 1].map(() => new FrameResampler(plan, canvas));
  const loaded: (number | undefined)[] = [undefined, undefined];
  // Slides are loaded once each, in order (a transition's two sides are consecutive): one FFmpeg run decodes them
  // all, a canvas ahead of the one in use, instead of one run (and its start-up, with no frame written) per slide.
  const canvases = await decodeCanvases(input);
  const pool = new FramePool(plan.width * plan.height * 1.5, POOL_FRAMES);
  const frameOf = async (slide: number, frame: number) => {
    const r = slide % 2;
    if (loaded[r] !== slide) {
      resamplers[r]!.setSource(await canvases.next(slide), canvas);
      loaded[r] = slide;
    }
    const out = resamplers[r]!.frame(scaleRect(kenBurnsRect(plan, slide, frame, input.focals?.[slide]), canvas), await pool.take(signal));
    const overlay = await overlayOf(slide);
    if (overlay) applyCaption(out, overlay);
    return out;
  };
  const overlays = new Map<CaptionText, Promise<CaptionOverlay>>();
  const overlayOf = (slide: number) => {
    const caption = input.captions?.[slide];
    if (!caption) return undefined;
    let o = overlays.get(caption);
    if (!o) {
      // Slides come in order: only this one's and its neighbours' blends are kept (a few MB each at 1080p).
      const near = new Set([slide - 1, slide, slide + 1].map((i) => input.captions?.[i]));
      for (const c of overlays.keys()) if (!near.has(c)) overlays.delete(c);
      o = captionOverlay(caption, plan, input.workDir, `caption-overlay-${slide}`, { signal, onSpawn: input.onSpawn });
      overlays.set(caption, o);
    }
    return o;
  };
  // The pool is the backpressure: taking a buffer waits while every one is still being written.
  const write = (to: Writable, buf: Buffer) => {
    if (signal?.aborted) throw abortError(signal);
    if (to.destroyed) throw new Error("the encoder stopped taking frames");
    to.write(buf, () => pool.give(buf));
  };

  let blender: FrameBlender | undefined;
  try {
    for (const [index, piece] of pieces(plan).entries()) {
      if (piece.kind === "title") await runTitle(input, piece, index);
      else if (piece.kind === "hold") {
        for (let k = 0; k < piece.frames; k++) write(frames, await frameOf(piece.slide, piece.from + k));
      } else if (piece.transition === "fade") {
        // The most used transition, blended here: an xfade run per transition cost more CPU than the blend itself.
        const a = plan.slides[piece.slide]!;
        blender ??= new FrameBlender(plan.width * plan.height * 1.5);
        for (let k = 0; k < piece.frames; k++) {
          const out = await frameOf(piece.slide, a.frames - piece.frames + k);
          const incoming = await frameOf(piece.slide + 1, k);
          write(frames, blender.mix(out, incoming, k / piece.frames, out));
          pool.give(incoming);
        }
      } else {
        const a = plan.slides[piece.slide]!;
        // Either side failing stops the other (runFfmpeg): a dead FFmpeg fails the feed's next write.
        await runTransition(input, piece, index, async (pairs) => {
          for (let k = 0; k < piece.frames; k++) {
            write(pairs, await frameOf(piece.slide, a.frames - piece.frames + k));
            write(pairs, await frameOf(piece.slide + 1, k));
          }
          pairs.end();
        });
      }
    }
  } finally {
    await canvases.close();
  }
}

/**
 * Every slide's canvas JPEG, in slide order, as packed yuv420p (FFmpeg's JPEG-range conversion, as the still path's
 * `format=yuv420p`) from one FFmpeg run over them as an image sequence. `next(slide)` takes them in order; FFmpeg
 * decodes the next one while the current one is in use and then waits on its pipe, so one canvas is held ahead.
 * `close()` stops the run if the canvases were not all taken (the writer failed or was aborted).
 */
async function decodeCanvases(input: KenBurnsInput): Promise<{ next: (slide: number) => Promise<Buffer>; close: () => Promise<void> }> {
  const { width, height } = input.canvas;
  const bytes = width * height * 1.5;
  const dir = await mkdtemp(path.join(input.workDir, "canvases-"));
  // The image2 demuxer reads a numbered sequence: one link per slide (a photo used twice is linked twice).
  await Promise.all(input.slideFiles.map((f, i) => symlink(path.resolve(f), path.join(dir, `${String(i).padStart(5, "0")}.jpg`))));
  const stop = new AbortController();
  const signal = input.signal ? AbortSignal.any([input.signal, stop.signal]) : stop.signal;
  let want: { buf: Buffer; filled: number; resolve: (b: Buffer) => void } | undefined;
  let held: { chunk: Buffer; done: () => void } | undefined;
  let taken = 0;
  const take = (chunk: Buffer, done: () => void) => {
    if (!want) {
      held = { chunk, done }; // nobody wants a canvas yet: FFmpeg waits on its pipe
      return;
    }
    const n = Math.min(chunk.length, bytes - want.filled);
    chunk.copy(want.buf, want.filled, 0, n);
    want.filled += n;
    if (want.filled === bytes) {
      const { buf, resolve } = want;
      want = undefined;
      resolve(buf);
      if (n < chunk.length) return take(chunk.subarray(n), done);
    }
    done();
  };
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => take(chunk, done) });
  const run = runFfmpeg(
    ["-f", "image2", "-framerate", "1", "-start_number", "0", "-i", path.join(dir, "%05d.jpg"), "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"],
    { signal, onSpawn: input.onSpawn, stdout: sink },
  );
  // Settles only if the run fails: a canvas still wanted then never comes.
  const failed = run.then(() => new Promise<never>(() => {}));
  failed.catch(() => undefined);
  return {
    next(slide) {
      if (slide !== taken) throw new Error(`canvases are read in order: asked for slide ${slide}, next is ${taken}`);
      taken++;
      const canvas = new Promise<Buffer>((resolve) => {
        want = { buf: Buffer.allocUnsafe(bytes), filled: 0, resolve };
        if (held) {
          const h = held;
          held = undefined;
          take(h.chunk, h.done);
        }
      });
      return Promise.race([canvas, failed]);
    },
    async close() {
      // Canvases left untaken: the writer stopped early, and its own error is the one to report.
      const early = taken < input.slideFiles.length;
      if (early) stop.abort();
      try {
        await run;
      } catch (err) {
        if (!early) throw err;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

async function runTitle(input: KenBurnsInput, piece: Piece, index: number): Promise<void> {
  const graph = buildFilterGraph(input.plan, { index: 0, startFrame: 0, frames: piece.frames, pieces: [piece] }, { slideFiles: input.slideFiles.slice(0, 1), title: input.title });
  const graphFile = path.join(input.workDir, `piece-${index}.filtergraph`);
  await writeFile(graphFile, graph.graph);
  await runFfmpeg(
    [
      // The photo title card's background: the first slide's canvas (buildFilterGraph scales it to the frame).
      ...graph.inputs.flatMap((f) => ["-threads", "1", "-f", "image2", "-framerate", String(input.plan.fps), "-i", f]),
      "-filter_complex_script", graphFile, "-map", `[${graph.output}]`, "-frames:v", String(piece.frames), "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"],
    { signal: input.signal, onSpawn: input.onSpawn, stdout: input.frames },
  );
}

/** xfade over frames arriving on stdin as pairs (outgoing slide's frame, then incoming's), out as raw frames. */
function runTransition(input: KenBurnsInput, piece: Extract<Piece, { kind: "transition" }>, index: number, feed: StdinWriter): Promise<void> {
  const { width, height, fps } = input.plan;
  const to444 = runsPerPlane(piece.transition) ? "" : ",format=yuv444p";
  const graph = [
    "[0:v]split[sa][sb]",
    ...xfadeFilters(piece.transition, piece.frames / fps, `[sa]select='not(mod(n,2))',setpts=N${to444}`, `[sb]select='mod(n,2)',setpts=N${to444}`, "t"),
  ].join(";\n");
  const graphFile = path.join(input.workDir, `piece-${index}.filtergraph`);
  return writeFile(graphFile, `${graph}\n`).then(() =>
    runFfmpeg(
      [
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${width}x${height}`, "-framerate", String(fps * 2), "-i", "pipe:0",
        "-filter_complex_script", graphFile, "-map", "[t]", "-frames:v", String(piece.frames),
        "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1",
      ],
      { signal: input.signal, onSpawn: input.onSpawn, stdin: feed, stdout: input.frames },
    ),
  );
}

/** Frame buffers in use at once: a fade's two sides, and the frames its encoder has not yet taken. */
const POOL_FRAMES = 4;

/**
 * The writer's frame buffers, reused: a new 3 MB buffer per frame (2.4 GB for a 25-second 1080p video) cost more
 * than drawing the frames, in page faults and in the garbage collections it forced. A buffer comes back when its
 * write calls back (or at once when it was not written); taking one waits while all are out.
 */
class FramePool {
  private readonly free: Buffer[] = [];
  private made = 0;
  private waiting?: () => void;

  constructor(
    private readonly bytes: number,
    private readonly size: number,
  ) {}

  async take(signal?: AbortSignal): Promise<Buffer> {
    while (!this.free.length && this.made >= this.size) {
      if (signal?.aborted) throw abortError(signal);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(abortError(signal!));
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiting = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
      });
    }
    if (this.free.length) return this.free.pop()!;
    this.made++;
    return Buffer.allocUnsafe(this.bytes);
  }

  give(buf: Buffer): void {
    this.free.push(buf);
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}
