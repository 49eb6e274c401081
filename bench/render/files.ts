/**
 * Predictable files: each render's size against the composer's estimate (estimateVideoBytes), its peak bitrate
 * against the VBV cap, and what the cap costs in quality (SSIM against the raw frames, with and without it).
 */
import { stat } from "node:fs/promises";
import type { VideoSpec } from "@photoreel/contracts";
import { estimateVideoBytes, videoBitrateCap, type RenderProfile } from "@photoreel/render/policy";
import { peakKbps } from "../../packages/render/test/fixtures.ts";

interface FloorRun {
  file: string;
}

export async function filesReport(opts: {
  root: string;
  profile: RenderProfile;
  /** [label, spec, our render, its raw frames] */
  rows: [string, VideoSpec, string, string][];
  runFloor: (root: string, name: string, raw: string, profile: RenderProfile, o: { uncapped?: boolean }) => Promise<FloorRun>;
  quality: (file: string, raw: string, profile: RenderProfile) => Promise<{ ssim: number; psnr: number }>;
}): Promise<void> {
  const cap = videoBitrateCap(opts.profile);
  console.log(`\nfiles (VBV cap ${cap} kbit/s, 1 s buffer):  size MB   estimate MB   est/actual   peak 1 s / 4 s kbit/s   SSIM capped / uncapped`);
  for (const [label, spec, file, raw] of opts.rows) {
    const bytes = (await stat(file)).size;
    const estimate = estimateVideoBytes(spec);
    const capped = await opts.quality(file, raw, opts.profile);
    const uncapped = await opts.runFloor(opts.root, `${label.replace(/\W/g, "")}-q`, raw, opts.profile, { uncapped: true });
    const free = await opts.quality(uncapped.file, raw, opts.profile);
    const ratio = estimate / bytes;
    console.log(
      `  ${label.padEnd(38)} ${(bytes / 1e6).toFixed(2).padStart(7)}   ${(estimate / 1e6).toFixed(2).padStart(11)}   ` +
        `${ratio.toFixed(2).padStart(10)}${Math.abs(ratio - 1) <= 0.25 ? "" : " (outside ±25%)"}   ` +
        `${(await peakKbps(file, 1)).toFixed(0).padStart(9)} / ${(await peakKbps(file, 4)).toFixed(0).padEnd(9)}   ` +
        `${capped.ssim.toFixed(5)} / ${free.ssim.toFixed(5)}`,
    );
  }
}
