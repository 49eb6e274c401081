/**
 * Render bench: our renderVideo vs the naive FFmpeg pipeline vs the encoder floor (the same frames encoded from
 * raw input with the same x264 settings), plus a long job's peak memory on the bundled worker itself.
 *   pnpm exec tsx bench/render/render.bench.ts [--short] [--runs=N] [--only=compare|ratios|memory|presets] [--no-kb]
 * --only=ratios runs just ours and the floor (crossfades and Ken Burns, interleaved), for quick A/B comparisons.
 * Exits non-zero when an output fails its correctness check (never on speed).
 */
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { WORKER_PROCESS_ENV } from "@photoreel/config";
import { VideoSpecSchema, type VideoSpec } from "@photoreel/contracts";
import { buildFilterGraph, encoderArgs, planChunks, prescaleFit, probe, writeKenBurnsFrames, renderProfile, topLevelBoxes, type RenderProfile } from "@photoreel/render";
import { planTimeline } from "@photoreel/timeline";
import { fitPhoto } from "@photoreel/render/prescale";
import { cpuSeconds } from "./cpu.ts";
import { makeBenchPhotos } from "./photos.ts";
import { sampleTreeRss } from "./proc-tree.ts";
import type { RenderJob } from "./render-job.ts";
import { filesReport } from "./files.ts";
import { measureJitter } from "./jitter.ts";
import { measureWorkerMemory } from "./worker-memory.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
let bundled: Promise<string> | undefined; // see renderBundle

const short = process.argv.includes("--short");
const cfg = short
  ? { photos: 3, long: 2016, shortSide: 1512, resolution: "720p" as const, runs: 1, memPhotos: 12, memRes: "720p" as const }
  : { photos: 10, long: 4032, shortSide: 3024, resolution: "1080p" as const, runs: 3, memPhotos: 100, memRes: "1080p" as const };

const runsArg = process.argv.find((a) => a.startsWith("--runs="));
if (runsArg) cfg.runs = Math.max(1, Number(runsArg.slice("--runs=".length)));
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);

const root = await mkdtemp(path.join(os.tmpdir(), "render-bench-"));
const failures: string[] = [];
try {
  console.log(`render bench (${short ? "short" : "full"}): ${cfg.photos} photos ${cfg.long}x${cfg.shortSide}, ${cfg.resolution}30, 3 s each, fade 0.5 s, contain, best of ${cfg.runs}`);
  const photoDir = path.join(root, "photos");
  await mkdir(photoDir);
  const photos = await makeBenchPhotos(photoDir, cfg.photos, cfg.long, cfg.shortSide);
  const spec = makeSpec(photos.length, cfg.resolution, 3);
  const profile = renderProfile(spec);
  const plan = planTimeline(spec, profile);
  const videoSeconds = plan.totalFrames / plan.fps;
  console.log(`x264: ${encoderArgs(profile).join(" ")}; ${plan.totalFrames} frames (${videoSeconds} s)`);

  if (only === "presets") await presets();
  else if (only !== "memory") await compare(only === "ratios");

  /**
   * Which x264 preset `final` should use: each candidate encodes the same raw slideshow frames, and is scored by
   * wall/CPU time, file size and SSIM/PSNR against those frames. The worker's own pipeline adds about the same
   * overhead to each, so the floor's ratios carry over.
   */
  async function presets() {
    const candidates: [RenderProfile["preset"], number][] = [
      ["medium", 21], ["fast", 21], ["faster", 21], ["veryfast", 21], ["veryfast", 20], ["veryfast", 19], ["veryfast", 26], ["superfast", 26],
    ];
    // Static photos with crossfades, and Ken Burns, where x264's motion search (what medium buys) matters most.
    for (const kenBurns of [false, true]) {
      const s = { ...spec, kenBurns };
      const raw = await renderRawFrames(root, photos, s, profile);
      console.log(`\n${kenBurns ? "Ken Burns" : "crossfades"}: preset    crf   wall s   cpu s   size KB   SSIM (Y)   PSNR dB`);
      for (const [preset, crf] of candidates) {
        const p = { ...profile, preset, crf };
        const runs: Run[] = [];
        for (let run = 0; run < cfg.runs; run++) runs.push(await runFloor(root, run, raw, p));
        const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
        const q = await quality(fastest.file, raw, p);
        const size = (await stat(fastest.file)).size;
        console.log(
          `${"".padEnd(kenBurns ? 11 : 12)}${preset.padEnd(9)} ${String(crf).padStart(4)}  ${fmt(fastest.seconds).padStart(7)}  ` +
            `${fmt(Math.min(...runs.map((r) => r.cpu))).padStart(6)}  ${(size / 1024).toFixed(0).padStart(8)}   ${q.ssim.toFixed(5)}   ${q.psnr.toFixed(2)}`,
        );
      }
      await rm(path.dirname(raw), { recursive: true, force: true });
    }
  }

  async function compare(ratiosOnly: boolean) {
    const withKb = !process.argv.includes("--no-kb");
    const raw = await renderRawFrames(root, photos, spec, profile);
    const kbSpec = { ...spec, kenBurns: true };
    const kbRaw = withKb ? await renderRawFrames(root, photos, kbSpec, profile) : "";
    if (ratiosOnly) {
      const ratios: string[] = [];
      for (let run = 0; run < cfg.runs; run++) {
        const ours = await runOurs(root, `ours-${run}`, { spec, profile, photos });
        const floor = await runFloor(root, `cf-${run}`, raw, profile);
        let line = `  run ${run + 1}: crossfades ours ${fmt(ours.seconds)} s (cpu ${fmt(ours.cpu)}, peak ${mb(ours.peakRss)} MB) / floor ${fmt(floor.seconds)} s (cpu ${fmt(floor.cpu)}) = ${fmt(ours.seconds / floor.seconds)}x`;
        if (withKb) {
          const kb = await runOurs(root, `kb-${run}`, { spec: kbSpec, profile, photos });
          const kbFloor = await runFloor(root, `kb-${run}`, kbRaw, profile);
          line += `; Ken Burns ours ${fmt(kb.seconds)} s (cpu ${fmt(kb.cpu)}, peak ${mb(kb.peakRss)} MB) / floor ${fmt(kbFloor.seconds)} s (cpu ${fmt(kbFloor.cpu)}) = ${fmt(kb.seconds / kbFloor.seconds)}x`;
        }
        ratios.push(`${line} (load ${os.loadavg()[0]!.toFixed(1)})`);
        console.log(ratios.at(-1));
        failures.push(...(await checkVideo("ours", ours.file, profile, plan.totalFrames, true)));
      }
      return;
    }
    const results = { ours: [] as Run[], naive: [] as Run[], floor: [] as Run[], medium: [] as Run[], kb: [] as Run[], kbFloor: [] as Run[] };
    // The naive pipeline encodes at x264 medium; CRF 21 is the quality our final matches (--only=presets).
    // Ours is also run at those settings, to split the gain into pipeline and preset.
    const mediumProfile: RenderProfile = { ...profile, preset: "medium", crf: 21 };
    for (let run = 0; run < cfg.runs; run++) {
      // Interleaved, so a noisy neighbour hurts all four alike.
      const ours = await runOurs(root, `ours-${run}`, { spec, profile, photos });
      failures.push(...(await checkVideo("ours", ours.file, profile, plan.totalFrames, true)));
      results.ours.push(ours);
      const naive = await runNaive(root, run, photos, mediumProfile);
      failures.push(...(await checkVideo("naive", naive.file, profile, plan.totalFrames, true)));
      results.naive.push(naive);
      const floor = await runFloor(root, `cf-${run}`, raw, profile);
      failures.push(...(await checkVideo("floor", floor.file, profile, plan.totalFrames, true)));
      results.floor.push(floor);
      const medium = await runOurs(root, `medium-${run}`, { spec, profile: mediumProfile, photos });
      failures.push(...(await checkVideo("ours at medium", medium.file, mediumProfile, plan.totalFrames, true)));
      results.medium.push(medium);
      const kb = await runOurs(root, `kb-${run}`, { spec: kbSpec, profile, photos });
      failures.push(...(await checkVideo("ours, Ken Burns", kb.file, profile, plan.totalFrames, true)));
      results.kb.push(kb);
      const kbFloor = await runFloor(root, `kb-${run}`, kbRaw, profile);
      failures.push(...(await checkVideo("floor, Ken Burns", kbFloor.file, profile, plan.totalFrames, true)));
      results.kbFloor.push(kbFloor);
      console.log(`         Ken Burns: ours ${fmt(kb.seconds)} s (cpu ${fmt(kb.cpu)}), floor ${fmt(kbFloor.seconds)} s (cpu ${fmt(kbFloor.cpu)})`);
      console.log(
        `  run ${run + 1}: ours ${fmt(ours.seconds)} s (cpu ${fmt(ours.cpu)}), naive ${fmt(naive.seconds)} s (cpu ${fmt(naive.cpu)}), ` +
          `floor ${fmt(floor.seconds)} s (cpu ${fmt(floor.cpu)}), ours at medium ${fmt(medium.seconds)} s (cpu ${fmt(medium.cpu)})`,
      );
    }
    const best = (runs: Run[]) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const [o, n, f, m] = [best(results.ours), best(results.naive), best(results.floor), best(results.medium)];
    const peak = (runs: Run[]) => Math.max(...runs.map((r) => r.peakRss));
    const cpu = (runs: Run[]) => Math.min(...runs.map((r) => r.cpu));
    const [oc, nc, fc] = [cpu(results.ours), cpu(results.naive), cpu(results.floor)];
    console.log("\npipeline        wall s   realtime x   cpu s (user+sys)   peak RSS MB");
    const [k, kf] = [best(results.kb), best(results.kbFloor)];
    const rows = [
      ["ours", o, results.ours], ["naive", n, results.naive], ["encoder floor", f, results.floor], ["ours @ medium", m, results.medium],
      ["KB ours", k, results.kb], ["KB floor", kf, results.kbFloor],
    ] as const;
    for (const [name, r, all] of rows) {
      console.log(
        `${name.padEnd(14)} ${fmt(r.seconds).padStart(7)}   ${fmt(videoSeconds / r.seconds).padStart(9)}   ` +
          `${fmt(cpu(all)).padStart(16)}   ${mb(peak(all)).padStart(10)}`,
      );
    }
    // The targets are for the full run (ten 12 MP photos at 1080p); the short run only checks correctness.
    const target = (text: string, ok: boolean) => (short ? "" : ` (target ${text}: ${ok ? "MET" : "MISSED"})`);
    console.log(
      `wall (best of ${cfg.runs}): crossfades ours/floor ${fmt(o.seconds / f.seconds)}x${target("<= 1.2", o.seconds / f.seconds <= 1.2)}   ` +
        `Ken Burns ours/floor ${fmt(k.seconds / kf.seconds)}x${target("<= 1.3", k.seconds / kf.seconds <= 1.3)}   ` +
        `naive/ours ${fmt(n.seconds / o.seconds)}x${target(">= 7", n.seconds / o.seconds >= 7)}`,
    );
    // The machine is shared: CPU seconds are what each pipeline costs, whatever the neighbours do to the wall clock.
    console.log(
      `cpu  (best of ${cfg.runs}): crossfades ours/floor ${fmt(oc / fc)}x   Ken Burns ours/floor ${fmt(cpu(results.kb) / cpu(results.kbFloor))}x   ` +
        `naive/ours ${fmt(nc / oc)}x   (load average ${os.loadavg()[0]!.toFixed(1)})`,
    );
    console.log(
      `ours at the naive pipeline's settings (${mediumProfile.preset}, crf ${mediumProfile.crf}): naive/ours ${fmt(n.seconds / m.seconds)}x wall, ` +
        `${fmt(nc / cpu(results.medium))}x cpu; the rest of the gain is final's preset (${profile.preset}, crf ${profile.crf})`,
    );
    await filesReport({ root, profile, rows: [["crossfades", spec, o.file, raw], ["Ken Burns", kbSpec, k.file, kbRaw]], runFloor, quality });
    const jitter = await measureJitter(root, profile);
    console.log(`\nKen Burns motion (${jitter.slides} slides of dots, ${profile.width}x${profile.height}, tracked to sub-pixel precision):`);
    console.log(
      `  mean step ${fmt(jitter.meanStep)} px/frame; jitter (change of step) rms ${fmt(jitter.jitterRms)}, max ${fmt(jitter.jitterMax)} px/frame; ` +
        `off the planned path by up to ${fmt(jitter.offPath)} px; monotonic: ${jitter.monotonic ? "yes" : "NO"}`,
    );

  }

  // Long jobs on the worker itself (see worker-memory.ts): the peak memory of its whole process tree.
  if (only === "compare" || only === "presets") process.exitCode = 0;
  if (!only || only === "memory") {
    await memoryRow(cfg.memPhotos, cfg.memRes, 400);
    // 2160p: each frame is 4x 1080p's; bounded by the worker task's 4 GB with a margin (the limit printed is 2 GB).
    if (!short) await memoryRow(10, "2160p", 2048);
  }

  async function memoryRow(count: number, resolution: "720p" | "1080p" | "2160p", limitMb: number) {
    const memPhotos = Array.from({ length: count }, (_, i) => photos[i % photos.length]!);
    const memSpec = makeSpec(count, resolution, 2);
    const memProfile = renderProfile(memSpec);
    const memPlan = planTimeline(memSpec, memProfile);
    const mem = await measureWorkerMemory({ photos: memPhotos, spec: { resolution, secondsPerPhoto: 2 }, dir: root });
    failures.push(...(await checkVideo(`memory run ${resolution}`, mem.file, memProfile, memPlan.totalFrames, true)));
    console.log(
      `\nmemory run, the bundled worker on the embedded stack: ${count} photos ${resolution}, 2 s each, ${memPlan.totalFrames} frames: ` +
        `${fmt(mem.seconds)} s create-to-READY, realtime ${fmt(memPlan.totalFrames / memPlan.fps / mem.seconds)}x\n` +
        `  peak PSS of the worker's process tree ${mb(mem.peakPss)} MB (target < ${limitMb} MB, measured as PSS: ` +
        `${mem.peakPss < limitMb * 1024 * 1024 ? "MET" : "MISSED"}); summed RSS ${mb(mem.peakRss)} MB (counts shared libraries once per process); ` +
        `its node process: ${mb(mem.idleRss)} MB idle, ${mb(mem.nodeAtPeakRss)} MB at the tree's peak, ${mb(mem.nodePeakRss)} MB at its own peak`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`\nFAILED checks:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("\nall outputs passed their checks");

interface Run {
  seconds: number;
  /** user+sys seconds of the pipeline's processes. */
  cpu: number;
  peakRss: number;
  file: string;
}

function makeSpec(count: number, resolution: "720p" | "1080p" | "2160p", seconds: number): VideoSpec {
  return VideoSpecSchema.parse({
    slides: Array.from({ length: count }, () => ({ photoId: crypto.randomUUID() })),
    secondsPerPhoto: seconds,
    transition: "fade",
    transitionSeconds: 0.5,
    fit: "contain",
    resolution,
    fps: 30,
    quality: "final",
  });
}

/**
 * render-job.ts and the pre-scale child bundled as the worker's build bundles them (scripts/bundle.mjs, run from
 * apps/worker, whose esbuild it uses), once per bench run. They go under bench/node_modules/.cache, where the
 * bundle's one external, sharp, resolves from the bench's own dependencies.
 */
function renderBundle(): Promise<string> {
  bundled ??= (async () => {
    const repo = path.resolve(here, "../..");
    const out = path.join(repo, "bench/node_modules/.cache/render-bench");
    const bundle = (entry: string, file: string) =>
      promisify(execFile)(process.execPath, [path.join(repo, "scripts/bundle.mjs"), entry, path.join(out, file)], { cwd: path.join(repo, "apps/worker") });
    await bundle(path.join(here, "render-job.ts"), "render-job.js");
    await bundle(path.join(repo, "packages/render/src/prescale-child.ts"), "prescale-child.js");
    return path.join(out, "render-job.js");
  })();
  return bundled;
}

async function runOurs(rootDir: string, name: string, job: Omit<RenderJob, "workDir">): Promise<Run> {
  const workDir = path.join(rootDir, name);
  await mkdir(workDir);
  const jobFile = path.join(rootDir, `${name}.json`);
  await writeFile(jobFile, JSON.stringify({ ...job, workDir }));
  // The worker's memory settings (WORKER_PROCESS_ENV: its image and the embedded start set the same).
  const child = spawn(process.execPath, [await renderBundle(), jobFile], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...WORKER_PROCESS_ENV },
  });
  const sampler = sampleTreeRss(child.pid!);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const peakRss = sampler.stop();
  if (code !== 0) throw new Error(`render child exited ${code}`);
  const res = JSON.parse(out.trim().split("\n").pop()!) as { seconds: number; cpu: number; out: { videoPath: string } };
  return { seconds: res.seconds, cpu: res.cpu, peakRss, file: res.out.videoPath };
}

async function timedFfmpeg(args: string[]): Promise<{ seconds: number; cpu: number; peakRss: number }> {
  const t0 = performance.now();
  const cpu0 = cpuSeconds("children");
  const child = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y", ...args], { stdio: ["ignore", "ignore", "inherit"] });
  const sampler = sampleTreeRss(child.pid!);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const seconds = (performance.now() - t0) / 1000;
  const peakRss = sampler.stop();
  if (code !== 0) throw new Error(`ffmpeg exited ${code}: ${args.join(" ")}`);
  return { seconds, cpu: cpuSeconds("children") - cpu0, peakRss };
}

/** The naive pipeline: every photo looped (decoded per frame), scaled and padded per frame, one xfade chain. */
async function runNaive(rootDir: string, run: number, photos: string[], profile: RenderProfile): Promise<Run> {
  const { width: w, height: h, fps } = profile;
  const d = 3;
  const t = 0.5;
  const inputs = photos.flatMap((p) => ["-loop", "1", "-t", String(d), "-framerate", String(fps), "-i", p]);
  const graph: string[] = photos.map(
    (_, i) => `[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v${i}]`,
  );
  let last = "v0";
  for (let i = 1; i < photos.length; i++) {
    graph.push(`[${last}][v${i}]xfade=transition=fade:duration=${t}:offset=${i * (d - t)}[x${i}]`);
    last = `x${i}`;
  }
  const file = path.join(rootDir, `naive-${run}.mp4`);
  const r = await timedFfmpeg([...inputs, "-filter_complex", graph.join(";"), "-map", `[${last}]`, ...encoderArgs(profile), "-movflags", "+faststart", file]);
  return { ...r, file };
}

/** Raw yuv420p frames of exactly the slideshow ours renders, made once (not timed). */
async function renderRawFrames(rootDir: string, photos: string[], spec: VideoSpec, profile: RenderProfile): Promise<string> {
  const dir = await mkdtemp(path.join(rootDir, "raw-"));
  const fitted: string[] = [];
  for (const [i, p] of photos.entries()) {
    const dest = path.join(dir, `fit-${i}.jpg`);
    await fitPhoto(p, dest, prescaleFit(spec, profile));
    fitted.push(dest);
  }
  const plan = planTimeline(spec, profile);
  const raw = path.join(dir, "frames.yuv");
  if (spec.kenBurns) {
    // Ken Burns frames come from the resampler, as in ours: written straight to the file.
    const frames = createWriteStream(raw);
    const fit = prescaleFit(spec, profile);
    await writeKenBurnsFrames({ plan, slideFiles: fitted, canvas: { width: fit.width, height: fit.height }, workDir: dir, frames });
    frames.end();
    await once(frames, "close");
    return raw;
  }
  const [chunk] = planChunks(plan, Number.MAX_SAFE_INTEGER);
  const g = buildFilterGraph(plan, chunk!, { slideFiles: fitted });
  const graphFile = path.join(dir, "graph.txt");
  await writeFile(graphFile, g.graph);
  await timedFfmpeg([
    ...g.inputs.flatMap((f) => ["-framerate", String(profile.fps), "-i", f]),
    "-filter_complex_script", graphFile, "-map", "[out]", "-f", "rawvideo", "-pix_fmt", "yuv420p", raw,
  ]);
  return raw;
}

/** The same x264 settings from raw frames; `uncapped` drops the VBV cap, to see what it costs in quality. */
async function runFloor(rootDir: string, name: string | number, raw: string, profile: RenderProfile, opts: { uncapped?: boolean } = {}): Promise<Run> {
  const file = path.join(rootDir, `floor-${name}${opts.uncapped ? "-uncapped" : ""}.mp4`);
  // A cap no photo reaches stands for none.
  const x264 = encoderArgs(opts.uncapped ? { ...profile, maxrateKbps: 1_000_000 } : profile);
  const r = await timedFfmpeg([
    "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${profile.width}x${profile.height}`, "-framerate", String(profile.fps), "-i", raw,
    ...x264, "-movflags", "+faststart", file,
  ]);
  return { ...r, file };
}

/** SSIM (luma) and PSNR (average) of an encode against the raw frames it was made from. */
async function quality(file: string, raw: string, profile: RenderProfile): Promise<{ ssim: number; psnr: number }> {
  const child = spawn("ffmpeg", [
    "-hide_banner", "-nostdin", "-i", file,
    "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${profile.width}x${profile.height}`, "-framerate", String(profile.fps), "-i", raw,
    "-lavfi", "[0:v]split[a][b];[1:v]split[c][d];[a][c]ssim;[b][d]psnr", "-f", "null", "-",
  ]);
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  await new Promise((resolve) => child.on("close", resolve));
  const ssim = /SSIM Y:([\d.]+)/.exec(err);
  const psnr = /PSNR y:[\d.]+ u:[\d.]+ v:[\d.]+ average:([\d.]+)/.exec(err);
  if (!ssim || !psnr) throw new Error(`no SSIM/PSNR in ffmpeg output: ${err.slice(-500)}`);
  return { ssim: Number(ssim[1]), psnr: Number(psnr[1]) };
}

async function checkVideo(name: string, file: string, profile: RenderProfile, frames: number, faststart: boolean): Promise<string[]> {
  const problems: string[] = [];
  const info = await probe(file);
  const v = info.streams.find((s) => s.codecType === "video");
  if (!v) return [`${name}: no video stream`];
  if (v.codecName !== "h264") problems.push(`${name}: codec ${v.codecName}`);
  if (v.pixFmt !== "yuv420p") problems.push(`${name}: pix_fmt ${v.pixFmt}`);
  if (v.width !== profile.width || v.height !== profile.height) problems.push(`${name}: size ${v.width}x${v.height}`);
  if (v.frameRate !== profile.fps) problems.push(`${name}: ${v.frameRate} fps`);
  const expected = frames / profile.fps;
  if (Math.abs((v.durationSeconds ?? 0) - expected) > 1 / profile.fps + 1e-6) {
    problems.push(`${name}: duration ${v.durationSeconds} s, expected ${expected} s`);
  }
  const counted = await countFrames(file);
  if (counted !== frames) problems.push(`${name}: ${counted} frames, expected ${frames}`);
  if (faststart) {
    const boxes = await topLevelBoxes(file);
    if (boxes.indexOf("moov") < 0 || boxes.indexOf("moov") > boxes.indexOf("mdat")) problems.push(`${name}: moov after mdat (${boxes.join(",")})`);
  }
  return problems;
}

async function countFrames(file: string): Promise<number> {
  const child = spawn("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file]);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  await new Promise((resolve) => child.on("close", resolve));
  return Number(out.trim());
}

function fmt(n: number): string {
  return n.toFixed(2);
}
function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
