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

/** The video stream's highest bitrate over any `window`-second stretch (kbit/s), from its packet sizes. */
export async function peakKbps(file: string, window = 1): Promise<number> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", file]);
  const packets = stdout.trim().split("\n").map((l) => l.split(",").map(Number) as [number, number]).sort((a, b) => a[0] - b[0]);
  let peak = 0;
  let bytes = 0;
  let start = 0;
  for (const [t, size] of packets) {
    bytes += size;
    while (packets[start]![0] <= t - window) bytes -= packets[start++]![1];
    peak = Math.max(peak, bytes);
  }
  return (peak * 8) / window / 1000;
}

/** A photo of pure grain: the costliest thing to encode, so a bitrate cap has to bind on it. */
export async function makeNoise(file: string, width: number, height: number, seed: number): Promise<string> {
  const raw = Buffer.alloc(width * height * 3);
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < raw.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    raw[i] = s & 255;
  }
  await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toFile(file);
  return file;
}

/**
 * A camera-like photo as bench/render/photos.ts makes them (gradient, film grain, shapes): what the file-size
 * estimate (estimateVideoBytes) was fitted to, so a test can check it against a real render.
 */
export async function makeGrainyPhoto(file: string, width: number, height: number, seed: number): Promise<string> {
  const raw = Buffer.alloc(width * height * 3);
  let s = seed * 2654435761 + 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  const hue = [rnd() * 255, rnd() * 255, rnd() * 255];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [fx, fy, n] = [x / width, y / height, (rnd() - 0.5) * 40];
      const o = (y * width + x) * 3;
      raw[o] = clamp(hue[0]! * (1 - fx) + 255 * fx * fy + n);
      raw[o + 1] = clamp(hue[1]! * fy + 128 * (1 - fx) + n);
      raw[o + 2] = clamp(hue[2]! * (1 - fy) + 90 * fx + n);
    }
  }
  const shapes = Array.from({ length: 12 }, (_, i) => {
    const [cx, cy] = [Math.round(rnd() * width), Math.round(rnd() * height)];
    const r = Math.round((0.03 + rnd() * 0.12) * Math.min(width, height));
    const fill = `rgb(${Math.round(rnd() * 255)},${Math.round(rnd() * 255)},${Math.round(rnd() * 255)})`;
    return i % 2 ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}" fill-opacity="0.8"/>` : `<rect x="${cx - r}" y="${cy - r / 2}" width="${2 * r}" height="${r}" fill="${fill}" fill-opacity="0.8"/>`;
  });
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join("")}</svg>`);
  await sharp(raw, { raw: { width, height, channels: 3 } }).composite([{ input: svg }]).jpeg({ quality: 90 }).toFile(file);
  return file;
}
