import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";

const run = promisify(execFile);

/** A distinct test photo: its own gradient, shapes and a big number, so SSIM tells photos apart. */
export async function makePhoto(file: string, opts: { width: number; height: number; seed: number; orientation?: number }): Promise<string> {
  const { width: w, height: h, seed } = opts;
  const hue = (seed * 67) % 360;
  const shapes = Array.from({ length: 6 }, (_, i) => {
    const x = ((seed * 37 + i * 53) % 90) / 100;
    const y = ((seed * 23 + i * 71) % 90) / 100;
    const r = Math.min(w, h) * (0.06 + ((seed + i) % 4) * 0.03);
    return `<circle cx="${x * w}" cy="${y * h}" r="${r}" fill="hsl(${(hue + 120 + i * 40) % 360},80%,${30 + i * 8}%)"/>`;
  }).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,25%)"/><stop offset="1" stop-color="hsl(${(hue + 90) % 360},70%,70%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}
    <rect x="${w * 0.05}" y="${h * 0.05}" width="${w * 0.12}" height="${h * 0.9}" fill="white"/>
    <text x="${w / 2}" y="${h * 0.6}" font-size="${Math.min(w, h) * 0.4}" font-family="DejaVu Sans" font-weight="bold" text-anchor="middle" fill="black">${seed}</text>
  </svg>`;
  let img = sharp(Buffer.from(svg)).jpeg({ quality: 90 });
  if (opts.orientation) img = img.withMetadata({ orientation: opts.orientation });
  await img.toFile(file);
  return file;
}

export async function makeSine(file: string, seconds: number): Promise<string> {
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}:sample_rate=44100`, file]);
  return file;
}

/** Extracts frame `index` (0-based) as PNG. */
export async function frameAt(video: string, index: number, out: string): Promise<string> {
  await run("ffmpeg", ["-v", "error", "-y", "-i", video, "-vf", `select=eq(n\\,${index})`, "-frames:v", "1", out]);
  return out;
}

/**
 * Frame `index` of FFmpeg's own xfade between two still images, done in yuv444p (xfade's native format) and
 * brought to the video's yuv420p, as PNG: the reference a transition frame should match.
 */
export async function xfadeReference(
  a: string,
  b: string,
  opts: { transition: string; frames: number; fps: number; index: number },
  out: string,
): Promise<string> {
  const hold = (i: number, l: string) => `[${i}:v]format=yuv444p,tpad=stop_mode=clone:stop=${opts.frames - 1}[${l}]`;
  const seconds = (opts.frames / opts.fps).toFixed(6);
  const graph = `${hold(0, "a")};${hold(1, "b")};[a][b]xfade=transition=${opts.transition}:duration=${seconds}:offset=0,format=yuv420p,select=eq(n\\,${opts.index})`;
  await run("ffmpeg", ["-v", "error", "-y", "-framerate", String(opts.fps), "-i", a, "-framerate", String(opts.fps), "-i", b, "-filter_complex", graph, "-frames:v", "1", out]);
  return out;
}

/** FFmpeg's SSIM (All) between two same-sized images. */
export async function ssim(a: string, b: string): Promise<number> {
  const { stderr } = await run("ffmpeg", [
    "-hide_banner", "-i", a, "-i", b, "-lavfi", "[0:v]format=yuv444p[a];[1:v]format=yuv444p[b];[a][b]ssim", "-f", "null", "-",
  ]);
  const m = /All:([\d.]+)/.exec(stderr);
  if (!m) throw new Error(`no SSIM in: ${stderr.slice(-300)}`);
  return Number(m[1]);
}

/** The reference a slide should show: the photo, EXIF-oriented and cover-fitted, as PNG. */
export async function coverReference(src: string, width: number, height: number, out: string): Promise<string> {
  await sharp(src).rotate().resize(width, height, { fit: "cover" }).png().toFile(out);
  return out;
}

export async function countFrames(file: string): Promise<number> {
  const { stdout } = await run("ffprobe", [
    "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file,
  ]);
  return Number(stdout.trim());
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
