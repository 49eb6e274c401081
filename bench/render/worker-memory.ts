/**
 * The worker's peak memory on a long job, measured on the worker itself: the bundle its image runs, with its
 * image's process settings, against the embedded stack, rendering a video made through the API from uploaded
 * photos. Peak memory is the worker's whole process tree (node, its pre-scale child, every FFmpeg run), as summed
 * PSS (what the container is charged) and as summed RSS.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { WORKER_PROCESS_ENV } from "@photoreel/config";
import { startTestStack, uploadPhotos } from "@photoreel/api/testing";
import { spawnWorker, until } from "@photoreel/testkit";
import { sampleTreeRss, treeRss } from "./proc-tree.ts";

// The bundle the worker image runs, as the worker package names it.
const WORKER_BUNDLE = fileURLToPath(import.meta.resolve("@photoreel/worker/bundle"));

export interface WorkerMemoryRun {
  /** Seconds from create to READY. */
  seconds: number;
  /** Peak of the summed PSS over the worker's process tree: what the target is measured in (see treeMemory). */
  peakPss: number;
  /** Peak of the summed RSS: counts shared libraries once per process, printed beside PSS for comparison. */
  peakRss: number;
  /** The worker's node process alone: its peak, its size when the tree peaked, and when idle before the job. */
  nodePeakRss: number;
  nodeAtPeakRss: number;
  idleRss: number;
  /** The rendered video, downloaded. */
  file: string;
}

export async function measureWorkerMemory(opts: {
  photos: string[];
  spec: { resolution: "720p" | "1080p" | "2160p"; secondsPerPhoto: number };
  dir: string;
}): Promise<WorkerMemoryRun> {
  await promisify(execFile)("pnpm", ["run", "build"], { cwd: path.dirname(path.dirname(WORKER_BUNDLE)) });
  const t = await startTestStack({ env: { QUOTA_PHOTOS: "100000", QUOTA_BYTES: String(2 ** 40) } });
  const worker = spawnWorker(WORKER_BUNDLE, { ...t.env, ...WORKER_PROCESS_ENV });
  try {
    const { caller } = await t.signUp();
    // Each upload must be a distinct file (the library refuses duplicates): a JPEG comment right after the SOI
    // marker changes the bytes, not the pixels.
    const files = await Promise.all(
      opts.photos.map(async (p, i) => {
        const jpeg = await readFile(p);
        const note = Buffer.from(`photoreel bench ${i}`);
        const com = Buffer.from([0xff, 0xfe, (note.length + 2) >> 8, (note.length + 2) & 0xff]);
        return { name: `p${i}.jpg`, type: "image/jpeg", body: Buffer.concat([jpeg.subarray(0, 2), com, note, jpeg.subarray(2)]) };
      }),
    );
    const ids = await uploadPhotos(t, caller, files);
    await new Promise((r) => setTimeout(r, 3000)); // let the worker settle before reading its idle size
    const idleRss = treeRss(worker.child.pid!);
    const sampler = sampleTreeRss(worker.child.pid!);
    const t0 = performance.now();
    const created = await caller.videos.create({
      slides: ids.map((photoId) => ({ photoId })),
      secondsPerPhoto: opts.spec.secondsPerPhoto,
      transition: "fade",
      transitionSeconds: 0.5,
      fit: "contain",
      resolution: opts.spec.resolution,
      fps: 30,
      quality: "final",
    });
    const ready = await until(
      `video ${created.id} READY`,
      async () => {
        const v = await caller.videos.get({ id: created.id });
        return v.status === "READY" || v.status === "FAILED" ? v : null;
      },
      30 * 60_000,
      100,
    );
    if (ready.status !== "READY") throw new Error(`render failed: ${ready.error}\n${worker.logs.slice(-5).join("\n")}`);
    const seconds = (performance.now() - t0) / 1000;
    const peakRss = sampler.stop();
    const file = path.join(opts.dir, "worker-memory.mp4");
    await writeFile(file, Buffer.from(await (await fetch(ready.videoUrl!)).arrayBuffer()));
    return { seconds, peakRss, peakPss: sampler.peakPss(), nodePeakRss: sampler.rootPeak(), nodeAtPeakRss: sampler.rootAtPeak(), idleRss, file };
  } finally {
    worker.child.kill("SIGKILL");
    await t.stop();
  }
}
