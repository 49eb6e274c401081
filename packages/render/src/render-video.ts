import { copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RenderProfile, VideoSpec } from "@photoreel/contracts";
import { abortError, RenderInputError } from "./errors";
import { encoderArgs, slidesPerChunk } from "./encoder";
import { probe, runFfmpeg } from "./ffmpeg";
import { buildFilterGraph, KEN_BURNS_SCALE, quote } from "./filter-graph";
import type { FitOptions } from "./prescale";
import { prescaleInChild } from "./prescale-process";
import { eta, parseProgress } from "./progress";
import { planChunks, planTimeline } from "./timeline";
import { layoutTitle } from "./title";

export const DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

export interface RenderInput {
  spec: VideoSpec;
  profile: RenderProfile;
  /** Local photo files, one per spec.slides entry, in order (a repeated photo may repeat its path). */
  photos: string[];
  /** Local music file when spec.music is set. */
  audioPath?: string;
  /** A private temp dir the caller creates and removes; every intermediate goes here. */
  workDir: string;
  /** Abort kills FFmpeg and rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called at most ~4 times a second. */
  onProgress?: (p: { percent: number; etaSeconds: number | null }) => void;
  fontFile?: string;
  /** Slides per FFmpeg run; by default chosen from the frame size to bound memory. */
  maxSlidesPerChunk?: number;
  /** Called with the pid of each child process: the pre-scale one, then each FFmpeg run. */
  onSpawn?: (pid: number) => void;
}

export interface RenderOutput {
  videoPath: string;
  posterPath: string;
  durationSeconds: number;
  width: number;
  height: number;
  bytes: number;
}

const PRESCALE_SHARE = 5;
const MUX_SHARE = 2;

/**
 * Renders a slideshow: photos are oriented and fitted once with sharp, then each chunk of slides is one FFmpeg
 * run (filtergraph from `buildFilterGraph`), the chunks are joined with the concat demuxer without re-encoding
 * and the music is muxed once over the whole video.
 */
export async function renderVideo(input: RenderInput): Promise<RenderOutput> {
  const { spec, profile, photos, workDir, signal } = input;
  if (photos.length !== spec.slides.length) {
    throw new Error(`expected ${spec.slides.length} photos, got ${photos.length}`);
  }
  if (spec.music && !input.audioPath) throw new Error("spec.music is set but no audioPath was given");
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
  await mkdir(workDir, { recursive: true });

  // Music first: a bad file should fail before minutes of encoding.
  const audioPath = spec.music ? input.audioPath : undefined;
  if (audioPath) {
    const info = await probe(audioPath, { signal }).catch((err: unknown) => {
      checkAbort();
      throw new RenderInputError("The music file could not be read (it may be damaged); choose another and try again", {
        cause: err,
      });
    });
    if (!info.streams.some((s) => s.codecType === "audio")) {
      throw new RenderInputError("The music file has no audio in it; choose another and try again");
    }
  }

  // Pre-scale each distinct photo once (and draw the poster), in a child process: see prescaleInChild.
  const fit = prescaleFit(spec, plan);
  const distinct = [...new Set(photos)];
  const fitted = new Map(distinct.map((src, i) => [src, path.join(workDir, `photo-${String(i).padStart(3, "0")}.jpg`)]));
  const slideFiles = photos.map((p) => fitted.get(p)!);
  const posterPath = path.join(workDir, "poster.jpg");
  let done = 0;
  await prescaleInChild(
    { tasks: distinct.map((src) => ({ src, dest: fitted.get(src)! })), fit, poster: { src: slideFiles[0]!, dest: posterPath, width, height } },
    {
      signal,
      onSpawn: input.onSpawn,
      onFitted: () => report((++done / distinct.length) * PRESCALE_SHARE),
      photoIndexOf: (task) => photos.indexOf(distinct[task]!) + 1,
    },
  );

  let fontFile = input.fontFile ?? DEFAULT_FONT;
  try {
    quote(fontFile);
  } catch {
    await copyFile(fontFile, path.join(workDir, "title-font.ttf"));
    fontFile = path.join(workDir, "title-font.ttf");
  }
  const title = spec.titleCard ? await layoutTitle(spec.titleCard.text, { width, height }, workDir, fontFile) : undefined;

  const chunks = planChunks(plan, input.maxSlidesPerChunk ?? slidesPerChunk(profile, spec.kenBurns));
  const videoPath = path.join(workDir, "video.mp4");
  const direct = chunks.length === 1 && !audioPath;
  const chunkFiles: string[] = [];
  const renderShare = 100 - PRESCALE_SHARE - (direct ? 0 : MUX_SHARE);
  for (const chunk of chunks) {
    checkAbort();
    const graph = buildFilterGraph(plan, chunk, { slideFiles, title });
    const graphFile = path.join(workDir, `chunk-${pad(chunk.index)}.filtergraph`);
    await writeFile(graphFile, graph.graph);
    const out = direct ? videoPath : path.join(workDir, `chunk-${pad(chunk.index)}.mp4`);
    chunkFiles.push(out);
    const args = [
      ...graph.inputs.flatMap((f) => ["-threads", "1", "-framerate", String(fps), "-i", f]),
      "-filter_complex_script", graphFile,
      "-map", `[${graph.output}]`,
      "-frames:v", String(chunk.frames),
      "-r", String(fps),
      ...encoderArgs(profile),
      "-an",
      ...(direct ? ["-movflags", "+faststart"] : []),
      out,
    ];
    await runFfmpeg(args, {
      signal,
      onSpawn: input.onSpawn,
      onProgress: (block) => {
        const p = parseProgress(block, {
          fps,
          totalFrames: plan.totalFrames,
          framesBefore: chunk.startFrame,
          elapsedSeconds: elapsed(),
          range: [PRESCALE_SHARE, PRESCALE_SHARE + renderShare],
        });
        if (p) report(p.percent);
      },
    });
  }

  if (!direct) {
    checkAbort();
    await mux({ chunkFiles, audioPath, fadeOutSeconds: spec.music?.fadeOutSeconds ?? 0, plan, videoPath, workDir, input });
  }
  const bytes = (await stat(videoPath)).size;
  report(100, true);
  return { videoPath, posterPath, durationSeconds: plan.totalFrames / fps, width, height, bytes };
}

async function mux(opts: {
  chunkFiles: string[];
  audioPath: string | undefined;
  fadeOutSeconds: number;
  plan: { totalFrames: number; fps: number };
  videoPath: string;
  workDir: string;
  input: RenderInput;
}): Promise<void> {
  const listFile = path.join(opts.workDir, "chunks.txt");
  await writeFile(listFile, opts.chunkFiles.map((f) => `file '${path.basename(f)}'\n`).join(""));
  const args = buildMuxArgs({
    listFile,
    audioPath: opts.audioPath,
    durationSeconds: opts.plan.totalFrames / opts.plan.fps,
    fadeOutSeconds: opts.fadeOutSeconds,
    videoPath: opts.videoPath,
  });
  await runFfmpeg(args, { signal: opts.input.signal, onSpawn: opts.input.onSpawn });
}

/**
 * FFmpeg arguments that join the encoded chunks without re-encoding (concat demuxer) and add the music once:
 * looped as often as needed (`-stream_loop -1`), cut at the video's end, faded out, AAC. No music, no audio stream.
 */
export function buildMuxArgs(opts: {
  listFile: string;
  audioPath?: string;
  durationSeconds: number;
  fadeOutSeconds: number;
  videoPath: string;
}): string[] {
  const duration = opts.durationSeconds;
  const args = ["-f", "concat", "-safe", "0", "-i", opts.listFile];
  const maps = ["-map", "0:v", "-c:v", "copy"];
  if (opts.audioPath) {
    args.push("-stream_loop", "-1", "-i", opts.audioPath);
    const fade = Math.min(opts.fadeOutSeconds, duration);
    const afade = fade > 0 ? `,afade=t=out:st=${(duration - fade).toFixed(6)}:d=${fade.toFixed(6)}` : "";
    args.push("-filter_complex", `[1:a]atrim=end=${duration.toFixed(6)},asetpts=N/SR/TB${afade}[a]`);
    maps.push("-map", "[a]", "-c:a", "aac", "-b:a", "160k");
  }
  return [...args, ...maps, "-movflags", "+faststart", opts.videoPath];
}

/**
 * What each photo is pre-scaled to: the output frame, or KEN_BURNS_SCALE times it so the pan/zoom never upscales;
 * even sides, as yuv420p needs.
 */
export function prescaleFit(spec: Pick<VideoSpec, "kenBurns" | "fit">, frame: { width: number; height: number }): FitOptions {
  const scale = spec.kenBurns ? KEN_BURNS_SCALE : 1;
  return { width: even(frame.width * scale), height: even(frame.height * scale), fit: spec.fit };
}

const even = (n: number) => Math.round(n / 2) * 2;
const pad = (n: number) => String(n).padStart(3, "0");
