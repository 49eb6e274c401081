import { spawn, type ChildProcess } from "node:child_process";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { promisify } from "node:util";
import ffmpeg from "fluent-ffmpeg";
import { abortError, RenderBudgetError } from "./errors";
import { inSpan } from "./trace";

const tools = { ffmpeg: "ffmpeg", ffprobe: "ffprobe" };

/** Which FFmpeg and ffprobe every later run uses (the worker sets them from its config at start). */
export function useFfmpeg(paths: { ffmpeg: string; ffprobe: string }): void {
  Object.assign(tools, paths);
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called with each complete `-progress` block. */
  onProgress?: (block: string) => void;
  /** Sampled with the child's pid, e.g. to measure memory. */
  onSpawn?: (pid: number) => void;
  /**
   * FFmpeg's stdin, for an input given as `pipe:0`: a stream piped into it, or a writer (StdinWriter) handed FFmpeg's
   * stdin itself, whose write callbacks then mean the bytes have left this process.
   */
  stdin?: Readable | StdinWriter;
  /** Receives FFmpeg's stdout, for an output given as `pipe:1`; left open when FFmpeg ends. */
  stdout?: Writable;
  /** Wall-clock budget: past it FFmpeg is killed and the run rejects with a RenderBudgetError. */
  timeoutMs?: number;
  /** What this run does, for the budget error's message ("encoding part 2 of 3"). */
  step?: string;
}

/**
 * Writes FFmpeg's input into its stdin and ends it; called once FFmpeg runs (never, if it fails to start). A write's
 * callback on that stdin means the bytes have left this process, so the writer may then reuse the buffer (a stream in
 * between, a PassThrough, would call back while it still held them). The run settles once both FFmpeg and the writer
 * have: a writer that fails kills FFmpeg and the run rejects with the writer's error; FFmpeg failing first aborts
 * `signal` (and fails the writer's next write) and the run rejects with FFmpeg's error.
 */
export type StdinWriter = (stdin: Writable, signal: AbortSignal) => Promise<void>;

/** Splits an FFmpeg argument list into inputs (with their options, maybe none) and output options + output path. */
export function splitArgs(args: string[]): { inputs: { path: string; options: string[] }[]; outputOptions: string[]; output: string } {
  const inputs: { path: string; options: string[] }[] = [];
  let pending: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-i" && i + 1 < args.length) {
      inputs.push({ path: args[i + 1]!, options: pending });
      pending = [];
      i++;
    } else {
      pending.push(args[i]!);
    }
  }
  const output = pending.pop();
  if (!output) throw new Error("ffmpeg arguments need an output");
  return { inputs, outputOptions: pending, output };
}

/**
 * FFmpeg may open only local files for an input, and only with the demuxer we name: a file that merely claims
 * to be audio (an HLS playlist or an ffconcat script behind an ID3 tag) can then neither be read as a playlist
 * nor pull in other files or URLs.
 */
const INPUT_GUARD = ["-protocol_whitelist", "file"];

/**
 * Runs FFmpeg through fluent-ffmpeg with `-progress pipe:2` (blocks arrive on its stderr line events). Abort kills
 * it with SIGKILL (nothing to clean up: every output is in the caller's workDir) and rejects with an AbortError
 * once the process is gone; so does `timeoutMs`, rejecting with a RenderBudgetError. Every input must name its
 * demuxer (`-f`) and may only read local files.
 */
export function runFfmpeg(args: string[], opts: RunOptions = {}): Promise<void> {
  // One span per FFmpeg run, named by its step ("encoding part 2 of 3", "encoding the video", "adding the music").
  const { stdin } = opts;
  return inSpan(`ffmpeg: ${opts.step ?? "run"}`, { "ffmpeg.step": opts.step ?? "run" }, () =>
    typeof stdin === "function" ? runWithWriter(args, opts, stdin) : runFfmpegProcess(args, { ...opts, stdin }),
  );
}

/** A run fed by a StdinWriter: whichever of the two fails first stops the other, and its error is the run's. */
async function runWithWriter(args: string[], opts: RunOptions, writer: StdinWriter): Promise<void> {
  const killFfmpeg = new AbortController();
  const stopWriter = new AbortController();
  let first: { err: unknown } | undefined;
  const fail = (err: unknown) => {
    first ??= { err };
    killFfmpeg.abort();
    stopWriter.abort();
  };
  const either = (s: AbortSignal) => (opts.signal ? AbortSignal.any([opts.signal, s]) : s);
  let writing: Promise<void> | undefined;
  const run = runFfmpegProcess(args, {
    ...opts,
    signal: either(killFfmpeg.signal),
    stdin: undefined,
    onStdin: (stdin) => {
      writing = writer(stdin, either(stopWriter.signal)).catch(fail);
    },
  }).catch(fail);
  // 'start' (which hands the writer its stdin) comes before the run can settle, so `writing` is set by then if ever.
  await run;
  await writing;
  // The caller's abort is what ended both, whichever noticed first.
  if (opts.signal?.aborted) throw abortError(opts.signal);
  if (first) throw first.err;
}

function runFfmpegProcess(args: string[], opts: Omit<RunOptions, "stdin"> & { stdin?: Readable; onStdin?: (stdin: Writable) => void }): Promise<void> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const { inputs, outputOptions, output } = splitArgs(args);
  const unnamed = inputs.find((input) => !input.options.includes("-f"));
  if (unnamed) return Promise.reject(new Error(`FFmpeg input ${unnamed.path} needs its demuxer named with -f`));
  return new Promise((resolve, reject) => {
    const cmd = ffmpeg().setFfmpegPath(tools.ffmpeg);
    const global = ["-hide_banner", "-nostdin", "-nostats", "-v", "error", "-progress", "pipe:2"];
    inputs.forEach((input, i) => {
      // Our own stdin (frames we write) is the one input that is not a local file.
      const piped = input.path === "pipe:0" && (opts.stdin || opts.onStdin);
      cmd.input(piped && opts.stdin ? opts.stdin : input.path);
      cmd.inputOptions([...(i === 0 ? global : []), ...(piped ? ["-protocol_whitelist", "pipe"] : INPUT_GUARD), ...input.options]);
    });
    // A graph of sources only (a title card) has no input to carry the global options.
    if (inputs.length === 0) cmd.outputOptions(global);
    // fluent-ffmpeg adds a 'close' and an 'error' listener to its output stream and never takes them off, and one
    // stream takes many runs (a Ken Burns video's frames: every transition and title): each run writes through a
    // relay of its own, which unpipes from the caller's stream when it ends. (autoDestroy off: fluent-ffmpeg reads a
    // 'close' of its output as a failure, and a relay closing before FFmpeg's exit event would be one.)
    const target = output === "pipe:1" ? opts.stdout : undefined;
    const relay = target ? new PassThrough({ autoDestroy: false }) : undefined;
    // The caller's stream failing or closing stops FFmpeg, as it did when fluent-ffmpeg watched that stream itself.
    const onTargetGone = (err?: Error) => relay?.destroy(err ?? new Error("the output stream closed"));
    if (target && relay) {
      relay.pipe(target, { end: false });
      target.once("error", onTargetGone).once("close", onTargetGone);
      cmd.outputOptions(outputOptions).output(relay);
    } else cmd.outputOptions(outputOptions).output(output);
    let stderr = "";
    let block = "";
    let overBudget = false;
    cmd.on("start", () => {
      const proc = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      if (proc?.pid !== undefined) opts.onSpawn?.(proc.pid);
      // fluent-ffmpeg spawns asynchronously: a kill asked for before there was a process is done now.
      if (overBudget || signal?.aborted) cmd.kill("SIGKILL");
      if (opts.onStdin && proc?.stdin) {
        // A write after FFmpeg has gone fails with EPIPE: the writer sees it in its write's callback, and the run
        // rejects with FFmpeg's own error; unhandled here it would take the process down.
        proc.stdin.on("error", () => {});
        opts.onStdin(proc.stdin);
      }
    });
    cmd.on("stderr", (line: string) => {
      if (/^[a-z_0-9]+=/.test(line)) {
        block += `${line}\n`;
        if (line.startsWith("progress=")) {
          opts.onProgress?.(block);
          block = "";
        }
      } else {
        stderr = (stderr + line + "\n").slice(-4000);
      }
    });
    const onAbort = () => cmd.kill("SIGKILL");
    signal?.addEventListener("abort", onAbort, { once: true });
    const budget =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            overBudget = true;
            cmd.kill("SIGKILL");
          }, opts.timeoutMs);
    const settle = () => {
      clearTimeout(budget);
      signal?.removeEventListener("abort", onAbort);
      target?.off("error", onTargetGone).off("close", onTargetGone);
      if (target) relay?.unpipe(target);
    };
    cmd.on("error", (err: Error) => {
      settle();
      const fail = () => {
        if (signal?.aborted) reject(abortError(signal));
        else if (overBudget) reject(new RenderBudgetError(opts.step ?? "an FFmpeg step", opts.timeoutMs!));
        else reject(new Error(`ffmpeg failed: ${stderr.trim().split("\n").slice(-5).join(" | ") || err.message}`, { cause: err }));
      };
      // fluent-ffmpeg reports a broken stdin/stdout pipe before FFmpeg has exited (it kills it then): settle only
      // once the process is gone, so nobody sees a render end with FFmpeg still running.
      const proc = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGKILL");
        proc.once("exit", fail);
      } else fail();
    });
    cmd.on("end", () => {
      let finished = false;
      const finish = (err?: Error) => {
        if (finished) return;
        finished = true;
        settle();
        if (signal?.aborted) reject(abortError(signal));
        else if (err) reject(new Error(`ffmpeg's output could not be delivered: ${err.message}`, { cause: err }));
        else resolve();
      };
      // Done once the caller's stream has every byte FFmpeg wrote (the relay ends after its last chunk is passed on).
      if (!relay || relay.readableEnded) finish();
      else {
        relay.once("end", () => finish());
        relay.once("close", () => finish(relay.errored ?? new Error("the output stream closed")));
      }
    });
    cmd.run();
  });
}

/**
 * What renders use from FFmpeg that a build can lack (libx264 is GPL, drawtext needs libfreetype, xfade is 4.3+).
 * Filters with a variable number of pads (concat, extractplanes, mergeplanes) are always built in, and
 * fluent-ffmpeg's filter list leaves them out.
 */
export const REQUIRED_FFMPEG = {
  encoders: ["libx264", "aac"],
  filters: ["xfade", "tpad", "drawtext", "afade", "atrim"],
  formats: ["mp4", "concat", "image2"],
} as const;

type Capabilities = Record<keyof typeof REQUIRED_FFMPEG, Record<string, unknown>>;

/** The required encoders, filters and formats missing from `available`, e.g. "encoder libx264". */
export function missingCapabilities(available: Capabilities): string[] {
  const kinds = { encoders: "encoder", filters: "filter", formats: "format" } as const;
  return (Object.keys(kinds) as (keyof typeof kinds)[]).flatMap((kind) =>
    REQUIRED_FFMPEG[kind].filter((name) => !(name in available[kind])).map((name) => `${kinds[kind]} ${name}`),
  );
}

/**
 * Checks once, when the worker starts, that FFmpeg and ffprobe run and that FFmpeg has everything renders use, so
 * a broken image stops at start with a message saying what is missing instead of failing every job. fluent-ffmpeg
 * keeps what it learns for the process, so runs after this one skip its own per-process format and codec listing.
 */
export async function checkFfmpeg(): Promise<void> {
  const cmd = ffmpeg().setFfmpegPath(tools.ffmpeg);
  let available: Capabilities;
  try {
    available = {
      formats: await promisify(cmd.availableFormats.bind(cmd))(),
      encoders: await promisify(cmd.availableEncoders.bind(cmd))(),
      filters: await promisify(cmd.availableFilters.bind(cmd))(),
    };
  } catch (err) {
    throw new Error(`FFmpeg could not be run as "${tools.ffmpeg}": install it or set FFMPEG_PATH`, { cause: err });
  }
  const missing = missingCapabilities(available);
  if (missing.length) throw new Error(`FFmpeg at "${tools.ffmpeg}" lacks ${missing.join(", ")}: install a full build (Debian's ffmpeg package has them all)`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(tools.ffprobe, ["-version"], { stdio: "ignore" });
    const fail = () => reject(new Error(`ffprobe could not be run as "${tools.ffprobe}": install it or set FFPROBE_PATH`));
    child.on("error", fail);
    child.on("close", (code) => (code === 0 ? resolve() : fail()));
  });
}

export interface ProbeStream {
  index: number;
  codecType: string;
  codecName: string;
  width?: number;
  height?: number;
  pixFmt?: string;
  /** Frames per second from r_frame_rate. */
  frameRate?: number;
  durationSeconds?: number;
  sampleRate?: number;
  channels?: number;
}

export interface ProbeResult {
  formatName: string;
  durationSeconds: number;
  bytes: number;
  streams: ProbeStream[];
}

/**
 * A small ffprobe wrapper (JSON output), local files only. `format` forces the demuxer (do, for anything a user
 * uploaded). Rejects when ffprobe cannot read the file.
 */
export function probe(path: string, opts: { signal?: AbortSignal; format?: string } = {}): Promise<ProbeResult> {
  const format = opts.format ? ["-f", opts.format] : [];
  return new Promise((resolve, reject) => {
    const args = ["-v", "error", ...INPUT_GUARD, ...format, "-print_format", "json", "-show_format", "-show_streams", path];
    const child = spawn(tools.ffprobe, args, {
      stdio: ["ignore", "pipe", "pipe"],
      signal: opts.signal,
      killSignal: "SIGKILL",
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`ffprobe failed on ${path}: ${err.trim()}`));
      try {
        resolve(toProbeResult(JSON.parse(out) as RawProbe));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; size?: string };
  streams?: {
    index: number;
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    r_frame_rate?: string;
    duration?: string;
    sample_rate?: string;
    channels?: number;
  }[];
}

function toProbeResult(raw: RawProbe): ProbeResult {
  const num = (v: string | undefined) => (v === undefined || v === "N/A" ? undefined : Number(v));
  const rate = (v: string | undefined) => {
    if (!v) return undefined;
    const [a, b] = v.split("/").map(Number);
    return a !== undefined && b ? a / b : undefined;
  };
  return {
    formatName: raw.format?.format_name ?? "",
    durationSeconds: num(raw.format?.duration) ?? 0,
    bytes: num(raw.format?.size) ?? 0,
    streams: (raw.streams ?? []).map((s) => ({
      index: s.index,
      codecType: s.codec_type ?? "",
      codecName: s.codec_name ?? "",
      width: s.width,
      height: s.height,
      pixFmt: s.pix_fmt,
      frameRate: rate(s.r_frame_rate),
      durationSeconds: num(s.duration),
      sampleRate: num(s.sample_rate),
      channels: s.channels,
    })),
  };
}
