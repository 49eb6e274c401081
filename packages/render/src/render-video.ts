import { copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { captionsOn, type FocalPoint, type VideoSpec } from "@photoreel/contracts";
import type { PhotoLimits } from "@photoreel/images";
import { planTimeline, type Timeline } from "@photoreel/timeline";
import { encodeBudgetMs, muxBudgetMs, prescaleBudgetMs } from "./budget";
import { abortError, RenderInputError } from "./errors";
import { encoderArgs, slidesPerChunk } from "./encoder";
import { probe, runFfmpeg } from "./ffmpeg";
import { KEN_BURNS_MAX_ZOOM } from "@photoreel/timeline";
import { buildFilterGraph, quote, type CaptionText, type TitleLayout } from "./filter-graph";
import { writeKenBurnsFrames } from "./ken-burns-frames";
import type { FitOptions } from "./prescale";
import { DEFAULT_PHOTO_LIMITS, prescaleInChild } from "./prescale-process";
import { eta, parseProgress } from "./progress";
import { planChunks } from "./chunks";
import type { RenderProfile } from "./policy";
import { layoutTitle, writeCaptions } from "./title";
import { inSpan } from "./trace";

export const DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
/** Captions and subtitles: the regular weight reads better at small sizes. Both ship in fonts-dejavu-core. */
export const DEFAULT_TEXT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

export interface RenderInput {
  spec: VideoSpec;
  profile: RenderProfile;
  /** Local photo files, one per spec.slides entry, in order (a repeated photo may repeat its path). */
  photos: string[];
  /** Local music file when spec.music is set. */
  audioPath?: string;
  /** The music's FFmpeg demuxer (from its sniffed type, e.g. "mp3", "wav"): it is never guessed from the content. */
  audioFormat?: string;
  /** Stretches every FFmpeg run's time budget (budget.ts), e.g. 2 on hardware half as fast. */
  budgetScale?: number;
  /** A private temp dir the caller creates and removes; every intermediate goes here. */
  workDir: string;
  /** Abort kills FFmpeg and rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called at most ~4 times a second. */
  onProgress?: (p: { percent: number; etaSeconds: number | null }) => void;
  fontFile?: string;
  /** The font for captions and the title's subtitle; DEFAULT_TEXT_FONT (or fontFile when that is given) otherwise. */
  textFontFile?: string;
  /** Slides per FFmpeg run; by default chosen from the frame size to bound memory. */
  maxSlidesPerChunk?: number;
  /** Called with the pid of each child process: the pre-scale one, then each FFmpeg run. */
  onSpawn?: (pid: number) => void;
  /** The thumbnailer's photo limits (the worker passes its configuration's); photos outside them fail the render. */
  photoLimits?: PhotoLimits;
}

export interface RenderOutput {
  videoPath: string;
  posterPath: string;
  durationSeconds: number;
  width: number;
  height: number;
  bytes: number;
  /**
   * Wall-clock seconds per stage: the pre-scale; drawing (Ken Burns: Node writing the frames, beside the encoder, so
   * the two overlap; still slides draw and encode in the same FFmpeg runs, counted as encoding: 0); encoding; the
   * join of the parts and the music (0 when the video was encoded straight to its file).
   */
  stageSeconds: { prescale: number; draw: number; encode: number; join: number };
}

const PRESCALE_SHARE = 5;
const MUX_SHARE = 2;
/** Shorter music would have to be looped thousands of times per minute of video. */
export const MIN_MUSIC_SECONDS = 0.5;

/**
 * Renders a slideshow: photos are oriented and fitted once with sharp, then still slides are drawn and encoded one
 * chunk per FFmpeg run (filtergraph from `buildFilterGraph`; encodeChunks) and Ken Burns frames go to one encoder
 * (encodeKenBurns); parts are joined with the concat demuxer without re-encoding and the music is muxed once over
 * the whole video.
 */
export async function renderVideo(input: RenderInput): Promise<RenderOutput> {
  const { spec, profile, photos, workDir, signal } = input;
  if (photos.length !== spec.slides.length) {
    throw new Error(`expected ${spec.slides.length} photos, got ${photos.length}`);
  }
  if (spec.music && !input.audioPath) throw new Error("spec.music is set but no audioPath was given");
  if (input.audioPath && !input.audioFormat) throw new Error("audioPath needs audioFormat: the demuxer is never guessed");
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let lastReport = 0;
  const report = (percent: number, force = false) => {
    const now = performance.now();
    if (!input.onProgress || (!force && now - lastReport < 250)) return;
    lastReport = now;
    input.onProgress({ percent, etaSeconds: eta(percent, elapsed()) });
  };
  const checkAbort = () => {
    if (signal?.aborted) throw abortError(signal);
  };

  const plan = planTimeline(spec, profile);
  const { width, height, fps } = plan;
  const budgetScale = input.budgetScale ?? 1;
  await mkdir(workDir, { recursive: true });

  // Music first: a bad file should fail before minutes of encoding.
  const audioPath = spec.music ? input.audioPath : undefined;
  let audioSeconds = 0;
  if (audioPath) {
    const info = await probe(audioPath, { signal, format: input.audioFormat }).catch((err: unknown) => {
      checkAbort();
      throw new RenderInputError("The music file could not be read (it may be damaged); choose another and try again", {
        cause: err,
      });
    });
    const stream = info.streams.find((s) => s.codecType === "audio");
    if (!stream) throw new RenderInputError("The music file has no audio in it; choose another and try again");
    audioSeconds = [stream.durationSeconds, info.durationSeconds].find((d) => d !== undefined && Number.isFinite(d) && d > 0) ?? 0;
    if (audioSeconds < MIN_MUSIC_SECONDS) {
      throw new RenderInputError("The music track is too short to play under a video; choose a track longer than a second");
    }
  }

  // Pre-scale each distinct photo once (and draw the poster), in a child process: see prescaleInChild.
  const since = (t: number) => (performance.now() - t) / 1000;
  let t0 = performance.now();
  const fit = prescaleFit(spec, plan);
  const distinct = [...new Set(photos)];
  const fitted = new Map(distinct.map((src, i) => [src, path.join(workDir, `photo-${String(i).padStart(3, "0")}.jpg`)]));
  const slideFiles = photos.map((p) => fitted.get(p)!);
  const posterPath = path.join(workDir, "poster.jpg");
  let done = 0;
  // A photo's focal point is stamped on its slides (the same on every slide of one photo): the first one names it.
  const focalOf = (src: string) => spec.slides[photos.indexOf(src)]?.focal;
  // Where each photo's focal point landed on its canvas: the end of its Ken Burns motion (none = the classic motion).
  const canvasFocal = new Map<string, FocalPoint>();
  await inSpan("pre-scale", { "photoreel.photos": distinct.length }, () => prescaleInChild(
    { tasks: distinct.map((src) => ({ src, dest: fitted.get(src)!, focal: focalOf(src) })), fit, limits: input.photoLimits ?? DEFAULT_PHOTO_LIMITS, poster: { src: slideFiles[0]!, dest: posterPath, width, height } },
    {
      signal,
      onSpawn: input.onSpawn,
      timeoutMs: prescaleBudgetMs(distinct.length, budgetScale),
      onFitted: (task, focal) => {
        if (focalOf(distinct[task]!)) canvasFocal.set(distinct[task]!, focal);
        report((++done / distinct.length) * PRESCALE_SHARE);
      },
      photoIndexOf: (task) => photos.indexOf(distinct[task]!) + 1,
    },
  ));
  const prescaleSeconds = since(t0);

  const fontFile = await usableFont(input.fontFile ?? DEFAULT_FONT, workDir, "title-font.ttf");
  const textFontFile = await usableFont(input.textFontFile ?? (input.fontFile ? fontFile : DEFAULT_TEXT_FONT), workDir, "text-font.ttf");
  const title = spec.titleCard ? await layoutTitle(spec.titleCard, { width, height }, workDir, fontFile, textFontFile) : undefined;
  const captions = captionsOn(spec) ? await writeCaptions(spec.slides.map((s) => s.caption), { width, height }, workDir, textFontFile) : undefined;

  const videoPath = path.join(workDir, "video.mp4");
  const renderShare = 100 - PRESCALE_SHARE - (audioPath ? MUX_SHARE : 0);
  const range: [number, number] = [PRESCALE_SHARE, PRESCALE_SHARE + renderShare];
  const common = { input, plan, profile, workDir, budgetScale, range, elapsed, report };
  const encoded = spec.kenBurns
    ? await encodeKenBurns({ ...common, slideFiles, canvas: { width: fit.width, height: fit.height }, focals: photos.map((p) => canvasFocal.get(p)), title, captions, direct: !audioPath ? videoPath : undefined })
    : await encodeChunks({ ...common, slideFiles, title, captions, direct: !audioPath ? videoPath : undefined });

  t0 = performance.now();
  if (encoded.files.length > 1 || audioPath) {
    checkAbort();
    await mux({ chunkFiles: encoded.files, audio: audioPath ? { path: audioPath, format: input.audioFormat!, durationSeconds: audioSeconds } : undefined, fadeOutSeconds: spec.music?.fadeOutSeconds ?? 0, plan, videoPath, workDir, input });
  }
  const joinSeconds = encoded.files.length > 1 || audioPath ? since(t0) : 0;
  const bytes = (await stat(videoPath)).size;
  report(100, true);
  const stageSeconds = { prescale: prescaleSeconds, draw: encoded.drawSeconds, encode: encoded.encodeSeconds, join: joinSeconds };
  return { videoPath, posterPath, durationSeconds: plan.totalFrames / fps, width, height, bytes, stageSeconds };
}

interface EncodeContext {
  input: RenderInput;
  plan: Timeline;
  profile: RenderProfile;
  workDir: string;
  budgetScale: number;
  /** The part of the progress bar the encoding covers. */
  range: [number, number];
  elapsed: () => number;
  report: (percent: number) => void;
  slideFiles: string[];
  title: TitleLayout | undefined;
  captions: (CaptionText | undefined)[] | undefined;
  /** Where the video goes when it needs no join and no music (encoded straight there, with faststart). */
  direct: string | undefined;
}

interface Encoded {
  /** The encoded parts, in order, for the concat demuxer (one file when `direct` was used). */
  files: string[];
  drawSeconds: number;
  encodeSeconds: number;
}

/**
 * Still slides: one FFmpeg run per chunk that decodes the chunk's photos, draws its frames and encodes them to a
 * file of its own; the parts are joined by the concat demuxer without re-encoding. Measured against the one
 * long-lived encoder fed raw frames by every chunk run (ad45662): that moved every 1080p frame (3 MB) through two
 * pipes and Node, and the chunk's filtering contended with x264 for the two cores (the render bench's crossfade ratio
 * went from 1.1-1.2x to 1.75x its floor); in one process the frames stay in FFmpeg and x264's sliced threads keep
 * both cores busy. Each run pays x264's start and a keyframe, which a few photos per chunk make small.
 * Drawing and encoding happen in the same runs, so all their time is counted as encoding.
 */
async function encodeChunks(ctx: EncodeContext): Promise<Encoded> {
  const { input, plan, profile, workDir, budgetScale } = ctx;
  const { width, height, fps } = plan;
  const chunks = planChunks(plan, input.maxSlidesPerChunk ?? slidesPerChunk(profile));
  const direct = chunks.length === 1 ? ctx.direct : undefined;
  const files: string[] = [];
  const started = performance.now();
  for (const chunk of chunks) {
    if (input.signal?.aborted) throw abortError(input.signal);
    const graph = buildFilterGraph(plan, chunk, { slideFiles: ctx.slideFiles, title: ctx.title, captions: ctx.captions });
    const graphFile = path.join(workDir, `chunk-${pad(chunk.index)}.filtergraph`);
    await writeFile(graphFile, graph.graph);
    const out = direct ?? path.join(workDir, `chunk-${pad(chunk.index)}.mp4`);
    files.push(out);
    await runFfmpeg(
      [
        ...graph.inputs.flatMap((f) => ["-threads", "1", "-f", "image2", "-framerate", String(fps), "-i", f]),
        "-filter_complex_script", graphFile,
        "-map", `[${graph.output}]`,
        "-frames:v", String(chunk.frames),
        "-fps_mode", "passthrough",
        ...encoderArgs(profile),
        "-an",
        ...(direct ? ["-movflags", "+faststart"] : []),
        out,
      ],
      {
        signal: input.signal,
        onSpawn: input.onSpawn,
        timeoutMs: encodeBudgetMs({ frames: chunk.frames, width, height }, budgetScale),
        step: chunks.length > 1 ? `encoding part ${chunk.index + 1} of ${chunks.length}` : "encoding the video",
        onProgress: (block) => {
          const p = parseProgress(block, { fps, totalFrames: plan.totalFrames, framesBefore: chunk.startFrame, elapsedSeconds: ctx.elapsed(), range: ctx.range });
          if (p) ctx.report(p.percent);
        },
      },
    );
  }
  return { files, drawSeconds: 0, encodeSeconds: (performance.now() - started) / 1000 };
}

/**
 * Ken Burns: the frames come from Node anyway (writeKenBurnsFrames resamples each at its exact window), so one
 * encoder takes them all on its stdin: x264 starts once and the video has no keyframe or join at slide boundaries.
 */
async function encodeKenBurns(ctx: EncodeContext & { canvas: { width: number; height: number }; focals: (FocalPoint | undefined)[] }): Promise<Encoded> {
  const { input, plan, profile, workDir, budgetScale } = ctx;
  const { width, height, fps } = plan;
  const encoded = ctx.direct ?? path.join(workDir, "video-only.mp4");
  const encodeStarted = performance.now();
  let drawSeconds = 0;
  await runFfmpeg(
    [
      "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${width}x${height}`, "-framerate", String(fps), "-i", "pipe:0",
      "-frames:v", String(plan.totalFrames),
      ...encoderArgs(profile),
      "-an",
      ...(ctx.direct ? ["-movflags", "+faststart"] : []),
      encoded,
    ],
    {
      signal: input.signal,
      // The writer gets FFmpeg's stdin itself: it reuses a frame's buffer once its write has called back. Either
      // failing stops the other (runFfmpeg), so neither waits forever on the other's pipe.
      stdin: async (frames, signal) => {
        const drawStarted = performance.now();
        await writeKenBurnsFrames({ plan, slideFiles: ctx.slideFiles, canvas: ctx.canvas, focals: ctx.focals, title: ctx.title, captions: ctx.captions, workDir, frames, signal, onSpawn: input.onSpawn });
        drawSeconds = (performance.now() - drawStarted) / 1000;
        frames.end();
      },
      onSpawn: input.onSpawn,
      // The encoder lives as long as the whole video's frames take; the title and transition runs have their own.
      timeoutMs: encodeBudgetMs({ frames: plan.totalFrames, width, height }, budgetScale),
      step: "encoding the video",
      onProgress: (block) => {
        const p = parseProgress(block, { fps, totalFrames: plan.totalFrames, elapsedSeconds: ctx.elapsed(), range: ctx.range });
        if (p) ctx.report(p.percent);
      },
    },
  );
  return { files: [encoded], drawSeconds, encodeSeconds: (performance.now() - encodeStarted) / 1000 };
}

async function mux(opts: {
  chunkFiles: string[];
  audio: MuxAudio | undefined;
  fadeOutSeconds: number;
  plan: { totalFrames: number; fps: number };
  videoPath: string;
  workDir: string;
  input: RenderInput;
}): Promise<void> {
  const listFile = path.join(opts.workDir, "chunks.txt");
  await writeFile(listFile, opts.chunkFiles.map((f) => `file '${path.basename(f)}'\n`).join(""));
  const durationSeconds = opts.plan.totalFrames / opts.plan.fps;
  const args = buildMuxArgs({ listFile, audio: opts.audio, durationSeconds, fadeOutSeconds: opts.fadeOutSeconds, videoPath: opts.videoPath });
  await runFfmpeg(args, {
    signal: opts.input.signal,
    onSpawn: opts.input.onSpawn,
    timeoutMs: muxBudgetMs(durationSeconds, opts.input.budgetScale ?? 1),
    step: opts.audio ? "adding the music" : "joining the video's parts",
  });
}

export interface MuxAudio {
  path: string;
  /** FFmpeg demuxer name. */
  format: string;
  /** The track's length, which decides how often it is looped. */
  durationSeconds: number;
}

/**
 * FFmpeg arguments that join the encoded chunks without re-encoding (concat demuxer) and add the music once:
 * looped exactly as often as the video needs (a counted `-stream_loop`, never an endless one) and read for no
 * longer than the video (`-t`), cut at the video's end, faded out, AAC. No music, no audio stream.
 */
export function buildMuxArgs(opts: {
  listFile: string;
  audio?: MuxAudio;
  durationSeconds: number;
  fadeOutSeconds: number;
  videoPath: string;
}): string[] {
  const duration = opts.durationSeconds;
  const args = ["-f", "concat", "-safe", "0", "-i", opts.listFile];
  const maps = ["-map", "0:v", "-c:v", "copy"];
  if (opts.audio) {
    if (!(opts.audio.durationSeconds >= MIN_MUSIC_SECONDS)) throw new Error(`music shorter than ${MIN_MUSIC_SECONDS} s cannot be looped`);
    const loops = Math.max(0, Math.ceil(duration / opts.audio.durationSeconds) - 1);
    args.push("-f", opts.audio.format, "-stream_loop", String(loops), "-t", duration.toFixed(6), "-i", opts.audio.path);
    const fade = Math.min(opts.fadeOutSeconds, duration);
    const afade = fade > 0 ? `,afade=t=out:st=${(duration - fade).toFixed(6)}:d=${fade.toFixed(6)}` : "";
    args.push("-filter_complex", `[1:a]atrim=end=${duration.toFixed(6)},asetpts=N/SR/TB${afade}[a]`);
    maps.push("-map", "[a]", "-c:a", "aac", "-b:a", "160k");
  }
  return [...args, ...maps, "-movflags", "+faststart", opts.videoPath];
}

/**
 * What each photo is pre-scaled to: the output frame, or for Ken Burns a canvas just large enough for the deepest
 * zoom to show it pixel for pixel (KEN_BURNS_MAX_ZOOM); even sides, as yuv420p needs.
 */
export function prescaleFit(spec: Pick<VideoSpec, "kenBurns" | "fit">, frame: { width: number; height: number }): FitOptions {
  const scale = spec.kenBurns ? KEN_BURNS_MAX_ZOOM : 1;
  return { width: even(frame.width * scale), height: even(frame.height * scale), fit: spec.fit };
}

/** A font path a filtergraph can name (see quote): an odd one is copied into workDir first. */
async function usableFont(file: string, workDir: string, name: string): Promise<string> {
  try {
    return quote(file) && file;
  } catch {
    await copyFile(file, path.join(workDir, name));
    return path.join(workDir, name);
  }
}

const even = (n: number) => Math.round(n / 2) * 2;
const pad = (n: number) => String(n).padStart(3, "0");
