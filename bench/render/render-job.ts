/**
 * One render of bench/render's compare run, in a process of its own so its memory can be sampled. The bench
 * bundles this file with the worker's bundler (renderBundle), so the render runs as it does in the worker image:
 * plain node, with the bundled pre-scale child beside it, no TypeScript loader in either.
 *   node render-job.js <job.json>  ->  prints {"seconds", "cpu", "out"} as one JSON line
 */
import { readFile } from "node:fs/promises";
import { checkFfmpeg, renderVideo, type RenderInput } from "@photoreel/render";
import { cpuSeconds } from "./cpu.ts";

export type RenderJob = Pick<RenderInput, "spec" | "profile" | "photos" | "workDir">;

const job = JSON.parse(await readFile(process.argv[2]!, "utf8")) as RenderJob;
// The worker checks FFmpeg once when it starts (apps/worker main), not per job: so does this process, untimed.
await checkFfmpeg();
const t0 = performance.now();
const cpu0 = cpuSeconds("self+children");
const out = await renderVideo(job);
const cpu = cpuSeconds("self+children") - cpu0;
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpu, out })}\n`);
