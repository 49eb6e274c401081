/**
 * Thumbnail pipeline benchmark: 12 MP (4032x3024) JPEGs with gradient + noise content (~3-6 MB each), and a 12 MP
 * HEIC beside the same picture as a 12 MP JPEG (issue #15's figure: HEIC at most 2x the JPEG's time, peak RSS).
 *
 *   pnpm exec tsx bench/thumbnail/thumbnail.bench.ts [--short] [--formats (HEIC vs JPEG only)]
 *
 * Every measured run happens in a fresh child process so each peak RSS (VmHWM) belongs to one pipeline and
 * one concurrency alone. Compares processPhoto's design against alternatives and a naive baseline in the same run
 * (the machine is shared and noisy: read the ratios, not the absolute numbers).
 * --short: fewer photos and pipelines; still checks every output (valid WebP, right sizes and orientation) and
 * exits non-zero if any is wrong.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { processPhoto } from "@photoreel/images";
import type { ProcessedPhoto } from "@photoreel/images";
import { readExifFields } from "../../packages/images/src/exif";
import { renderSizes } from "../../packages/images/src/process-photo";
import type { RenderStrategy } from "../../packages/images/src/process-photo";
import { realisticJpeg } from "../../packages/images/src/test-support/corpus";
import { heifEnc } from "../../packages/images/src/test-support/heif";

const WIDTH = 4032;
const HEIGHT = 3024;
const OPTS = { maxInputPixels: 100_000_000, timeoutSeconds: 60, maxBytes: 50_000_000 };

type Pipeline = "processPhoto" | RenderStrategy | "naive";
interface ChildJob {
  pipeline: Pipeline;
  concurrency: number;
  files: string[];
  warmup: number;
}
/** HEIC vs JPEG of the same picture: processPhoto on each, interleaved, then peak RSS of each format on its own. */
interface FormatJob {
  formats: true;
  files: string[];
  rounds: number;
}
interface FormatResult {
  ms: number[];
  cpuMs: number[];
  peakRssMb: number;
}

/** Latency: all pipelines in one process, interleaved photo by photo so load drift on a shared machine hits all alike. */
interface LatencyJob {
  latency: true;
  pipelines: Pipeline[];
  files: string[];
}
interface ChildResult {
  perPhotoMs: number[];
  wallMs: number;
  startRssMb: number;
  peakRssMb: number;
  errors: string[];
}

type Output = Pick<ProcessedPhoto, "thumbnail" | "preview" | "width" | "height">;
const PIPELINES: Record<Pipeline, (file: string) => Promise<Output>> = {
  // The shipped function (render strategy "raw": one decode, both WebPs from the preview-sized pixels).
  processPhoto: (file) => processPhoto(file, OPTS),
  cascade: (file) => viaStrategy(file, "cascade"),
  clone: (file) => viaStrategy(file, "clone"),
  raw: (file) => viaStrategy(file, "raw"),
  // What one writes first: metadata, then for each size a full-resolution decode (no shrink-on-load) and a resize.
  naive: async (file) => {
    const input = await readFile(file);
    const meta = await sharp(input).metadata();
    readExifFields(meta.exif);
    const size = async (edge: number) => {
      const { data, info } = await sharp(input).rotate().raw().toBuffer({ resolveWithObject: true });
      return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        .resize(edge, edge, { fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80, effort: 2 })
        .toBuffer();
    };
    const preview = await size(1600);
    const thumbnail = await size(320);
    const swap = (meta.orientation ?? 1) >= 5;
    return { preview, thumbnail, width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height };
  },
};

/** The same steps as processPhoto (read, sniff-free metadata, EXIF) with the render strategy swapped. */
async function viaStrategy(file: string, strategy: RenderStrategy) {
  const input = await readFile(file);
  const meta = await sharp(input).metadata();
  readExifFields(meta.exif);
  const options = { limitInputPixels: OPTS.maxInputPixels, failOn: "error" as const, pages: 1 };
  const out = await renderSizes(() => sharp(input, options).timeout({ seconds: OPTS.timeoutSeconds }), OPTS.timeoutSeconds, strategy);
  const swap = (meta.orientation ?? 1) >= 5;
  return { ...out, width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height };
}

async function check(file: string, out: Output) {
  const portrait = file.includes("-o6");
  const problems: string[] = [];
  for (const [name, buffer, edge] of [["thumbnail", out.thumbnail, 320], ["preview", out.preview, 1600]] as const) {
    const meta = await sharp(buffer).metadata();
    const expected = portrait ? { width: Math.round((edge * 3) / 4), height: edge } : { width: edge, height: Math.round((edge * 3) / 4) };
    if (meta.format !== "webp" || meta.width !== expected.width || meta.height !== expected.height) {
      problems.push(`${file} ${name}: ${meta.format} ${meta.width}x${meta.height}, expected webp ${expected.width}x${expected.height}`);
    }
  }
  const display = portrait ? [HEIGHT, WIDTH] : [WIDTH, HEIGHT];
  if (out.width !== display[0] || out.height !== display[1]) problems.push(`${file}: display ${out.width}x${out.height}`);
  return problems;
}

async function child(job: ChildJob): Promise<ChildResult> {
  sharp.cache(false); // as @photoreel/images does on import, for every pipeline alike
  const run = PIPELINES[job.pipeline];
  for (const file of job.files.slice(0, job.warmup)) await run(file);
  const startRssMb = process.memoryUsage().rss / 1e6;
  const perPhotoMs: number[] = [];
  const errors: string[] = [];
  const queue = [...job.files];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const t = performance.now();
        const out = await run(file);
        perPhotoMs.push(performance.now() - t);
        errors.push(...(await check(file, out)));
      }
    }),
  );
  const wallMs = performance.now() - started;
  return { perPhotoMs, wallMs, startRssMb, peakRssMb: await peakRssMb(), errors };
}

/**
 * This process's own high-water RSS. Not getrusage's maxrss: Linux carries that across fork+exec, so a child spawned
 * by this (large) parent would report the parent's RSS as its floor. VmHWM belongs to the current address space.
 */
async function peakRssMb(): Promise<number> {
  try {
    const status = await readFile("/proc/self/status", "utf8");
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function latencyChild(job: LatencyJob): Promise<Record<string, number[]>> {
  sharp.cache(false);
  for (const pipeline of job.pipelines) await PIPELINES[pipeline](job.files[0] ?? ""); // warm-up
  const out: Record<string, number[]> = Object.fromEntries(job.pipelines.map((p) => [p, [] as number[]]));
  for (const [round, file] of job.files.entries()) {
    // Rotate the order each round so no pipeline always runs first (or right after the most expensive one).
    const order = job.pipelines.map((_, i) => job.pipelines[(i + round) % job.pipelines.length] as Pipeline);
    for (const pipeline of order) {
      const t = performance.now();
      await PIPELINES[pipeline](file);
      out[pipeline]?.push(performance.now() - t);
    }
  }
  return out;
}

/** One format per process (so VmHWM is that format's alone); `files` alternate with the other process's by round. */
async function formatChild(job: FormatJob): Promise<FormatResult> {
  sharp.cache(false);
  const [file] = job.files;
  if (!file) throw new Error("no file");
  await processPhoto(file, OPTS); // warm-up: module loads, libheif compile
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < job.rounds; i++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    await processPhoto(file, OPTS);
    ms.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return { ms, cpuMs, peakRssMb: await peakRssMb() };
}

/** A picture that compresses like a phone photo: a gradient under softened noise (grain, not static). */
async function photoLike(width: number, height: number): Promise<Buffer> {
  const grain = await sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 50 } } })
    .blur(1.2)
    .raw()
    .toBuffer();
  return sharp(await realisticJpeg(width, height, 3, 95))
    .blur(2)
    .composite([{ input: grain, raw: { width, height, channels: 3 }, blend: "soft-light" }])
    .png({ compressionLevel: 1 })
    .toBuffer();
}

async function heicVersusJpeg(dir: string, short: boolean) {
  // --short keeps test.sh quick (x265 encodes the input at ~1 MP/s on a loaded machine); the figures are the full run's.
  const [width, height] = short ? [1600, 1200] : [WIDTH, HEIGHT];
  const rounds = short ? 3 : 9;
  const t = performance.now();
  const picture = await photoLike(width, height);
  const jpegFile = join(dir, "same.jpg");
  const heicFile = join(dir, "same.heic");
  await writeFile(jpegFile, await sharp(picture).jpeg({ quality: 90 }).toBuffer());
  await writeFile(heicFile, await heifEnc(picture, { quality: 50, x265Preset: "veryfast", timeoutMs: 1_800_000 }));
  const mb = async (f: string) => ((await readFile(f)).length / 1e6).toFixed(1);
  console.log(
    `\n${(width * height / 1e6).toFixed(0)} MP HEIC vs the same picture as JPEG (q90): ${await mb(heicFile)} MB vs ${await mb(jpegFile)} MB ` +
      `(made in ${((performance.now() - t) / 1000).toFixed(0)} s with heif-enc/x265 q50, preset veryfast); processPhoto (metadata + preview + thumbnail), ` +
      `${rounds} rounds each, the two processes alternating:`,
  );
  const jpeg: FormatResult = { ms: [], cpuMs: [], peakRssMb: 0 };
  const heic: FormatResult = { ms: [], cpuMs: [], peakRssMb: 0 };
  // Alternate short processes so load drift hits both formats alike; each keeps its own peak RSS.
  for (let r = 0; r < 3; r++) {
    for (const [file, acc] of (r % 2 ? [[heicFile, heic], [jpegFile, jpeg]] : [[jpegFile, jpeg], [heicFile, heic]]) as [string, FormatResult][]) {
      const out = await runChild<FormatResult>({ formats: true, files: [file], rounds: Math.ceil(rounds / 3) });
      acc.ms.push(...out.ms);
      acc.cpuMs.push(...out.cpuMs);
      acc.peakRssMb = Math.max(acc.peakRssMb, out.peakRssMb);
    }
  }
  for (const [name, r] of [["JPEG", jpeg], ["HEIC", heic]] as const) {
    console.log(`  ${name}  median ${median(r.ms).toFixed(0).padStart(5)} ms wall, ${median(r.cpuMs).toFixed(0).padStart(5)} ms CPU; peak RSS ${r.peakRssMb.toFixed(0)} MB (VmHWM, Node + tsx included)`);
  }
  const ratio = median(heic.ms) / median(jpeg.ms);
  const cpuRatio = median(heic.cpuMs) / median(jpeg.cpuMs);
  console.log(`  HEIC/JPEG: ${ratio.toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x CPU (target: wall <= 2x)`);
}

function runChild<T>(job: ChildJob | LatencyJob | FormatJob, env: NodeJS.ProcessEnv = {}): Promise<T> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, self, "--child", JSON.stringify(job)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (code !== 0) return reject(new Error(`bench child exited ${code}`));
      const line = out.trim().split("\n").at(-1) ?? "";
      resolve(JSON.parse(line) as T);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function main() {
  const short = process.argv.includes("--short");
  const distinct = short ? 2 : 5;
  const photos = short ? 4 : 20;
  const pipelines: Pipeline[] = short ? ["processPhoto", "naive"] : ["processPhoto", "cascade", "clone", "naive"];
  const concurrencies = short ? [1] : [1, 2];

  const dir = await mkdtemp(join(tmpdir(), "thumbnail-bench-"));
  if (process.argv.includes("--formats")) {
    // Only the HEIC-vs-JPEG figure.
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(1)).join(" ")} (${availableParallelism()} cores)`);
    await heicVersusJpeg(dir, short).finally(() => rm(dir, { recursive: true, force: true }));
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    return;
  }
  try {
    const t = performance.now();
    const sources: string[] = [];
    for (let i = 0; i < distinct; i++) {
      const jpeg = await realisticJpeg(WIDTH, HEIGHT, i, 88);
      const portrait = i % 2 === 1; // every other photo is a phone photo held upright: EXIF orientation 6
      const bytes = portrait ? await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg({ quality: 88 }).toBuffer() : jpeg;
      const file = join(dir, `photo-${i}${portrait ? "-o6" : ""}.jpg`);
      await writeFile(file, bytes);
      sources.push(file);
    }
    const sizes = await Promise.all(sources.map(async (f) => (await readFile(f)).length / 1e6));
    console.log(
      `inputs: ${distinct} distinct ${WIDTH}x${HEIGHT} JPEGs, ${Math.min(...sizes).toFixed(1)}-${Math.max(...sizes).toFixed(1)} MB ` +
        `(made in ${((performance.now() - t) / 1000).toFixed(1)} s); ${photos} photos per run; sharp ${sharp.versions.sharp}, ` +
        `libvips ${sharp.versions.vips}, sharp.concurrency() ${sharp.concurrency()}`,
    );
    const files = Array.from({ length: photos }, (_, i) => sources[i % sources.length] as string);

    const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");
    console.log(`load average before: ${load()} (${availableParallelism()} cores)`);

    const latencyRounds = short ? 3 : 10;
    const latency = await runChild<Record<string, number[]>>({
      latency: true,
      pipelines,
      files: Array.from({ length: latencyRounds }, (_, i) => sources[i % sources.length] as string),
    });
    console.log(`\none 12 MP JPEG -> metadata + 1600 px preview + 320 px thumbnail, median of ${latencyRounds} (interleaved):`);
    for (const pipeline of pipelines) {
      const ms = latency[pipeline] ?? [];
      console.log(`  ${pipeline.padEnd(13)} ${median(ms).toFixed(0).padStart(5)} ms  (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)})`);
    }
    const ours = median(latency["processPhoto"] ?? []);
    const naive = median(latency["naive"] ?? []);
    console.log(`  processPhoto takes ${((ours / naive) * 100).toFixed(0)}% of the naive pipeline's time (${(naive / ours).toFixed(2)}x faster)`);

    const rows: string[][] = [];
    const errors: string[] = [];
    // The same shipped pipeline with glibc limited to 2 malloc arenas (libvips threads otherwise each get their own).
    const runs = [
      ...pipelines.map((pipeline) => ({ pipeline, label: pipeline, env: {} })),
      { pipeline: "processPhoto" as const, label: "processPhoto, MALLOC_ARENA_MAX=2", env: { MALLOC_ARENA_MAX: "2" } },
    ];
    for (const { pipeline, label, env } of runs) {
      for (const concurrency of concurrencies) {
        const r = await runChild<ChildResult>({ pipeline, concurrency, files, warmup: 1 }, env);
        errors.push(...r.errors.map((e) => `${label} x${concurrency}: ${e}`));
        rows.push([
          label,
          String(concurrency),
          (photos / (r.wallMs / 1000)).toFixed(2),
          median(r.perPhotoMs).toFixed(0),
          r.startRssMb.toFixed(0),
          r.peakRssMb.toFixed(0),
        ]);
      }
    }
    console.log(`\n${photos} photos per run, each run in a fresh process (peak RSS = VmHWM, includes Node + tsx):`);
    const header = ["pipeline", "concurrency", "photos/s", "median ms", "RSS after warm-up MB", "peak RSS MB"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) =>
      `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")}`;
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    await heicVersusJpeg(dir, short);
    console.log(`load average after: ${load()}`);

    if (errors.length > 0) {
      console.error(`${errors.length} bad outputs:\n${errors.slice(0, 20).join("\n")}`);
      process.exitCode = 1;
    } else {
      console.log(`outputs checked: every thumbnail/preview is WebP at 320/1600 px with the right orientation`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const childArg = process.argv.indexOf("--child");
if (childArg !== -1) {
  const job = JSON.parse(process.argv[childArg + 1] ?? "{}") as ChildJob | LatencyJob | FormatJob;
  const result = "formats" in job ? await formatChild(job) : "latency" in job ? await latencyChild(job) : await child(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
