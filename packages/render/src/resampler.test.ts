import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { xfadeFilters } from "./filter-graph";
import { FrameBlender, FrameResampler } from "./resampler";

/** A yuv420p frame whose luma is a horizontal ramp (value = 2 * x) and chroma a vertical one (value = 4 * y). */
function ramp(width: number, height: number): Uint8Array {
  const yuv = new Uint8Array(width * height * 1.5);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) yuv[y * width + x] = 2 * x;
  const c = width * height;
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < width / 2; x++) yuv[c + y * (width / 2) + x] = yuv[c * 1.25 + y * (width / 2) + x] = 4 * y;
  }
  return yuv;
}

describe("FrameResampler", () => {
  const src = { width: 120, height: 60 };
  const out = { width: 40, height: 20 };
  const r = new FrameResampler(out, src);
  r.setSource(ramp(src.width, src.height), src);

  it("samples at the exact sub-pixel position of each output pixel, on every plane", () => {
    for (const x0 of [10, 10.25, 10.5, 13.875]) {
      const f = r.frame({ x: x0, y: 7.5, width: 40, height: 20 });
      for (let j = 0; j < out.width; j++) expect(f[5 * out.width + j]!, `x0 ${x0}, column ${j}`).toBeCloseTo(2 * (x0 + j), -0.3);
      // Chroma row k samples source chroma row (7.5 + 2k + 1) / 2 - 0.5.
      const u = f.subarray(out.width * out.height);
      for (let k = 0; k < out.height / 2; k++) expect(u[k * (out.width / 2)]!).toBeCloseTo(4 * ((7.5 + 2 * k + 1) / 2 - 0.5), -0.3);
    }
  });

  it("moves the picture by exactly the window's fractional step (no whole-pixel snapping)", () => {
    // A window a little wider than the output, so columns round differently and their mean shows the fraction.
    const at = (x: number) => {
      const row = r.frame({ x, y: 0, width: 47, height: 20 }).subarray(0, out.width);
      return row.reduce((a, v) => a + v, 0) / row.length;
    };
    const values = [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1].map((d) => at(30 + d));
    const steps = values.slice(1).map((v, i) => v - values[i]!);
    // The ramp rises 2 per source pixel: each eighth of a pixel moves the mean by 0.25.
    for (const s of steps) expect(Math.abs(s - 0.25)).toBeLessThan(0.08);
  });

  it("scales: a window twice as wide as the output spans twice the ramp", () => {
    const f = r.frame({ x: 0, y: 0, width: 60, height: 30 });
    expect(f[39]! - f[0]!).toBeCloseTo(2 * 1.5 * 39, -0.5);
  });

  it("refuses a source that is not the size it says", () => {
    expect(() => r.setSource(new Uint8Array(10), src)).toThrow(/expected 120x60/);
  });
});

describe("FrameBlender", () => {
  it("draws each frame of a fade as FFmpeg's xfade does (within 1), on every plane", () => {
    const [width, height, frames] = [48, 32, 6];
    const bytes = width * height * 1.5;
    // Noise, so every value meets every weight; planes differ so a swapped or skipped plane shows.
    let seed = 7;
    const noise = () => Uint8Array.from({ length: bytes }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) & 255);
    const [a, b] = [noise(), noise()];
    const dir = mkdtempSync(path.join(tmpdir(), "blend-"));
    try {
      writeFileSync(path.join(dir, "a.yuv"), a);
      writeFileSync(path.join(dir, "b.yuv"), b);
      const hold = `tpad=stop_mode=clone:stop=${frames - 1},setpts=N`;
      const graph = xfadeFilters("fade", frames / 12, `[0:v]${hold}`, `[1:v]${hold}`, "t").join(";");
      const raw = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${width}x${height}`, "-framerate", "12"];
      const ref = execFileSync("ffmpeg", ["-v", "error", ...raw, "-i", path.join(dir, "a.yuv"), ...raw, "-i", path.join(dir, "b.yuv"), "-filter_complex", graph, "-map", "[t]", "-frames:v", String(frames), "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"], { maxBuffer: 1 << 24 });
      expect(ref.length).toBe(frames * bytes);
      const blender = new FrameBlender(bytes);
      for (let k = 0; k < frames; k++) {
        const ours = blender.mix(a, b, k / frames);
        const theirs = ref.subarray(k * bytes, (k + 1) * bytes);
        const worst = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i]!)), 0);
        expect(worst, `frame ${k}`).toBeLessThanOrEqual(1);
      }
      // The fade moves: the first frame is the outgoing side, the middle one half of each.
      expect(blender.mix(a, b, 0)).toEqual(Buffer.from(a));
      expect(blender.mix(a, b, 0.5)[0]).toBe(Math.floor((a[0]! + b[0]! + 1) / 2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses frames of another size", () => {
    expect(() => new FrameBlender(24).mix(new Uint8Array(24), new Uint8Array(12), 0.5)).toThrow(/two frames of 24 bytes/);
  });
});

describe("resample-wasm.ts", () => {
  it("is what resample.wat compiles to (run `pnpm --filter @photoreel/render build:wasm` after editing it)", () => {
    const script = fileURLToPath(new URL("../scripts/build-wasm.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });
});
