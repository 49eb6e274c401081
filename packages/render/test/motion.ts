/**
 * Measuring Ken Burns motion in a rendered video: a photo of small bright dots on black, whose positions the
 * timeline predicts for every frame; each dot is found again in the decoded frames by its intensity centroid, to a
 * small fraction of a pixel. Shared by the render tests and bench/render.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import sharp from "sharp";
import { kenBurnsRect, type Timeline } from "@photoreel/timeline";

const run = promisify(execFile);

/** Dot centres as fractions of the photo, away from the edges every Ken Burns window may crop. */
export const DOTS = [
  [0.45, 0.45],
  [0.55, 0.52],
  [0.5, 0.58],
] as const;

/** A photo of the frame's aspect (so every fit shows it whole) with soft dots at DOTS. */
export async function makeDotPhoto(file: string, width: number, height: number): Promise<string> {
  const r = Math.max(3, Math.round(width / 200));
  const dots = DOTS.map(
    ([x, y]) => `<circle cx="${x * width}" cy="${y * height}" r="${r * 2.5}" fill="url(#g)"/>`,
  ).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><radialGradient id="g"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#000"/></radialGradient></defs>
    <rect width="100%" height="100%" fill="#000"/>${dots}</svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 98, chromaSubsampling: "4:4:4" }).toFile(file);
  return file;
}

export interface MotionReport {
  /** Every dot moved the same way (or not at all) on every frame, along each axis. */
  monotonic: boolean;
  /** Root mean square of the frame-to-frame change of each dot's step (px/frame²): 0 for perfectly even motion. */
  jitterRms: number;
  /** The largest such change (px/frame²). */
  jitterMax: number;
  /** The largest distance of a dot from its planned path (after removing each track's constant offset), px. */
  offPath: number;
  /** The mean step of a dot per frame (px), for scale. */
  meanStep: number;
}

/**
 * Tracks the DOTS through frames [from, to) of slide `slide`'s clip in `video` (which shows it from output frame
 * `firstFrame` on, starting at the clip's frame `from`) and compares them with where the timeline puts them.
 */
export async function measureMotion(
  video: string,
  plan: Timeline,
  slide: number,
  range: { firstFrame: number; from: number; frames: number },
): Promise<MotionReport> {
  const { width: w, height: h } = plan;
  const { stdout } = await run(
    "ffmpeg",
    ["-v", "error", "-i", video, "-vf", `select='between(n\\,${range.firstFrame}\\,${range.firstFrame + range.frames - 1})'`, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
    { encoding: "buffer", maxBuffer: w * h * (range.frames + 1) },
  );
  const frames = stdout.length / (w * h);
  if (frames !== range.frames) throw new Error(`expected ${range.frames} frames, decoded ${frames}`);
  const planned = (k: number) => {
    const r = kenBurnsRect(plan, slide, range.from + k);
    return DOTS.map(([x, y]) => [((x - r.x) / r.width) * w, ((y - r.y) / r.height) * h] as const);
  };
  const tracks = DOTS.map(() => ({ x: [] as number[], y: [] as number[], ex: [] as number[], ey: [] as number[] }));
  const radius = Math.max(6, Math.round(w / 60));
  for (let k = 0; k < frames; k++) {
    const base = k * w * h;
    planned(k).forEach(([px, py], d) => {
      let sum = 0;
      let sx = 0;
      let sy = 0;
      for (let y = Math.max(0, Math.floor(py - radius)); y <= Math.min(h - 1, Math.ceil(py + radius)); y++) {
        for (let x = Math.max(0, Math.floor(px - radius)); x <= Math.min(w - 1, Math.ceil(px + radius)); x++) {
          // Above the encoder's noise floor on black; the dot's own falloff gives the sub-pixel centre.
          const v = Math.max(0, stdout[base + y * w + x]! - 24);
          sum += v;
          sx += v * (x + 0.5);
          sy += v * (y + 0.5);
        }
      }
      if (sum === 0) throw new Error(`dot ${d} not found near (${px.toFixed(1)}, ${py.toFixed(1)}) in frame ${k}`);
      const t = tracks[d]!;
      t.x.push(sx / sum);
      t.y.push(sy / sum);
      t.ex.push(sx / sum - px);
      t.ey.push(sy / sum - py);
    });
  }
  let monotonic = true;
  const accel: number[] = [];
  const steps: number[] = [];
  let offPath = 0;
  for (const t of tracks) {
    for (const [pos, err] of [[t.x, t.ex], [t.y, t.ey]] as const) {
      const step = pos.slice(1).map((p, i) => p - pos[i]!);
      const total = pos.at(-1)! - pos[0]!;
      // A dot that barely moves along this axis has no direction to keep.
      if (Math.abs(total) > frames * 0.05 && step.some((s) => Math.sign(s) === -Math.sign(total) && Math.abs(s) > 0.02)) monotonic = false;
      steps.push(...step.map(Math.abs));
      accel.push(...step.slice(1).map((s, i) => s - step[i]!));
      const mean = err.reduce((a, b) => a + b, 0) / err.length;
      offPath = Math.max(offPath, ...err.map((e) => Math.abs(e - mean)));
    }
  }
  return {
    monotonic,
    jitterRms: Math.sqrt(accel.reduce((a, b) => a + b * b, 0) / accel.length),
    jitterMax: Math.max(...accel.map(Math.abs)),
    offPath,
    meanStep: steps.reduce((a, b) => a + b, 0) / steps.length,
  };
}
