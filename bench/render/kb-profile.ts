/**
 * Where a Ken Burns render's time goes outside the encoder: the frame writer alone (resampling, transitions, title)
 * into a sink that only counts bytes, on the render bench's photos.
 *   pnpm exec tsx bench/render/kb-profile.ts [--short]
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { VideoSpecSchema } from "@photoreel/contracts";
import { checkFfmpeg, prescaleFit, renderProfile, writeKenBurnsFrames } from "@photoreel/render";
import { fitPhoto } from "@photoreel/render/prescale";
import { planTimeline } from "@photoreel/timeline";
import { cpuSeconds } from "./cpu.ts";
import { makeBenchPhotos } from "./photos.ts";

const short = process.argv.includes("--short");
const root = await mkdtemp(path.join(os.tmpdir(), "kb-profile-"));
try {
  await mkdir(path.join(root, "photos"));
  const photos = await makeBenchPhotos(path.join(root, "photos"), short ? 5 : 10, short ? 2016 : 4032, short ? 1512 : 3024);
  const spec = VideoSpecSchema.parse({
    slides: photos.map(() => ({ photoId: crypto.randomUUID() })),
    secondsPerPhoto: 3, transition: "fade", transitionSeconds: 0.5, fit: "contain", resolution: short ? "720p" : "1080p", fps: 30, quality: "final", kenBurns: true,
  });
  const profile = renderProfile(spec);
  const plan = planTimeline(spec, profile);
  const fit = prescaleFit(spec, profile);
  const fitted: string[] = [];
  for (const [i, p] of photos.entries()) {
    fitted.push(path.join(root, `fit-${i}.jpg`));
    await fitPhoto(p, fitted[i]!, fit);
  }
  await checkFfmpeg(); // as the worker does at start: no per-run capability probing
  let bytes = 0;
  const sink = new Writable({ write(chunk: Buffer, _e, done) { bytes += chunk.length; done(); } });
  const t0 = performance.now();
  const all0 = cpuSeconds("self+children");
  const kids0 = cpuSeconds("children");
  await writeKenBurnsFrames({ plan, slideFiles: fitted, canvas: { width: fit.width, height: fit.height }, workDir: root, frames: sink });
  console.log(
    `${plan.totalFrames} frames (${bytes / plan.totalFrames} bytes each): wall ${((performance.now() - t0) / 1000).toFixed(2)} s, ` +
      `node cpu ${(cpuSeconds("self+children") - all0 - (cpuSeconds("children") - kids0)).toFixed(2)} s, FFmpeg children cpu ${(cpuSeconds("children") - kids0).toFixed(2)} s (load ${os.loadavg()[0]!.toFixed(1)})`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
