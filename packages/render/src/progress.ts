export interface ProgressBlock {
  /** Frames written so far by this FFmpeg run. */
  frame: number | null;
  /** Output time in seconds (`out_time_us`), when FFmpeg knows it. */
  outTimeSeconds: number | null;
  /** `progress=end` was seen. */
  done: boolean;
}

/** Reads one or more `-progress` blocks (`key=value` lines); the last value of each key wins. */
export function parseProgressBlock(text: string): ProgressBlock {
  let frame: number | null = null;
  let outTimeSeconds: number | null = null;
  let done = false;
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === "frame") {
      const n = Number(value);
      if (Number.isFinite(n)) frame = n;
    } else if (key === "out_time_us" || key === "out_time_ms") {
      // FFmpeg 5.1 writes microseconds under both names; "N/A" before the first packet.
      const n = Number(value);
      if (Number.isFinite(n) && n >= 0) outTimeSeconds = n / 1e6;
    } else if (key === "progress") {
      done = value === "end";
    }
  }
  return { frame, outTimeSeconds, done };
}

export interface ProgressContext {
  fps: number;
  /** Frames of the whole video. */
  totalFrames: number;
  /** Frames finished by earlier FFmpeg runs (chunks) of the same video. */
  framesBefore?: number;
  /** Seconds since the render started, for the ETA. */
  elapsedSeconds: number;
  /** The part of 0..100 this run covers (the rest is pre-scaling and muxing). */
  range?: [number, number];
}

/**
 * Maps `-progress pipe:1` output to an overall percent and an ETA from the rate so far. Prefers `frame`
 * (exact, and what the plan counts) and falls back to `out_time_us`.
 */
export function parseProgress(text: string, ctx: ProgressContext): { percent: number; etaSeconds: number | null } | null {
  const block = parseProgressBlock(text);
  const frames = block.frame ?? (block.outTimeSeconds !== null ? Math.round(block.outTimeSeconds * ctx.fps) : null);
  if (frames === null) return null;
  const [lo, hi] = ctx.range ?? [0, 100];
  const fraction = Math.min(1, Math.max(0, ((ctx.framesBefore ?? 0) + frames) / Math.max(1, ctx.totalFrames)));
  const percent = lo + (hi - lo) * fraction;
  return { percent: Math.round(percent * 10) / 10, etaSeconds: eta(percent, ctx.elapsedSeconds) };
}

/** Remaining seconds assuming the rest goes as fast as what is done; null until there is enough to tell. */
export function eta(percent: number, elapsedSeconds: number): number | null {
  if (percent < 1 || elapsedSeconds <= 0) return null;
  if (percent >= 100) return 0;
  return Math.round((elapsedSeconds * (100 - percent)) / percent);
}
