/**
 * Fairness bench (issue 13 §1): one heavy user queues 10 long renders, then 5 light users queue 1 short render
 * each; 2 worker processes (WORKER_CONCURRENCY=1) on the embedded stack, through the API's router. The same
 * scenario runs twice in one run: without the per-user in-flight cap (RENDER_MAX_PER_USER=0, the baseline: every
 * worker takes the next message whoever it belongs to) and with it (=1). Prints the light users' queue wait
 * (startedAt - createdAt) p50/p95 against one heavy render's duration (target: p95 below it), and what the cap
 * costs the heavy user (their last video's finish).
 *   pnpm exec tsx bench/pipeline/fairness.bench.ts [--short]
 * Exits non-zero unless every video ends READY (never on speed).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { VideoJob } from "@photoreel/core";
import { draftSpec, startTestStack, uploadPhotos, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";
import { makePhoto } from "../render/photos.ts";

// The worker app from source, as the worker package names it.
const WORKER = fileURLToPath(import.meta.resolve("@photoreel/worker/main"));

const short = process.argv.includes("--short");
// Long: 30 photos x 5 s (a 2.4-minute video); short: 3 photos x 2 s (5 s), as in the pipeline bench. Short mode
// (CI) keeps 2 heavy renders of 8 photos x 3 s (with a cap of 1 the second one waits) and 2 light users.
const cfg = short
  ? { heavyVideos: 2, lightUsers: 2, heavyPhotos: 8, heavySeconds: 3, timeoutMin: 10 }
  : { heavyVideos: 10, lightUsers: 5, heavyPhotos: 30, heavySeconds: 5, timeoutMin: 60 };
const WORKERS = 2;

const failures: string[] = [];
const started = performance.now();
const root = await mkdtemp(path.join(os.tmpdir(), "fairness-bench-"));
let t: TestStack | null = null;
let workers: WorkerProcess[] = [];

interface Round {
  cap: number;
  lightWait: number[];
  heavyRender: number[];
  lightRender: number[];
  heavyWait: number[];
  heavyLastDone: number;
  lightLastDone: number;
}

async function stopWorkers() {
  for (const w of workers) w.child.kill("SIGTERM");
  await Promise.race([Promise.all(workers.map((w) => w.exited)), new Promise((r) => setTimeout(r, 15_000))]);
  for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  workers = [];
}

async function round(stack: TestStack, bodies: Buffer[], cap: number): Promise<Round> {
  workers = Array.from({ length: WORKERS }, (_, i) => spawnWorker(WORKER, { ...stack.env, WORKER_CONCURRENCY: "1", RENDER_MAX_PER_USER: String(cap), WORKER_ID: `w${i}` }));
  await until("workers polling", async () => workers.every((w) => w.logs.some((l) => l.includes("worker polling"))), 60_000, 100);
  const files = (n: number) => Array.from({ length: n }, (_, k) => ({ name: `p${k}.jpg`, type: "image/jpeg", body: bodies[k % bodies.length]! }));
  const heavy = await stack.signUp();
  const heavyPhotos = await uploadPhotos(stack, heavy.caller, files(3));
  const lights = await Promise.all(
    Array.from({ length: cfg.lightUsers }, async () => {
      const u = await stack.signUp();
      return { ...u, photoIds: await uploadPhotos(stack, u.caller, files(3)) };
    }),
  );
  const t0 = Date.now();
  // The heavy user's renders go first, in order; the light users ask a moment later, all at once.
  const heavySpec = draftSpec(Array.from({ length: cfg.heavyPhotos }, (_, k) => heavyPhotos[k % heavyPhotos.length]!), { secondsPerPhoto: cfg.heavySeconds });
  const heavyIds: string[] = [];
  for (let i = 0; i < cfg.heavyVideos; i++) heavyIds.push((await heavy.caller.videos.create(heavySpec)).id);
  const lightIds = await Promise.all(lights.map(async (u) => ({ u, id: (await u.caller.videos.create(draftSpec(u.photoIds))).id })));

  const owned = [...heavyIds.map((id) => ({ ownerId: heavy.user.sub, id })), ...lightIds.map(({ u, id }) => ({ ownerId: u.user.sub, id }))];
  let lastReport = Date.now();
  const done = await until(
    `round cap=${cap} finished`,
    async () => {
      const jobs = await Promise.all(owned.map((o) => stack.app.adapters.jobs.get(o.ownerId, o.id)));
      const open = jobs.filter((j) => !j || j.status === "QUEUED" || j.status === "RENDERING").length;
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        console.log(`  cap=${cap}: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${jobs.length - open}/${jobs.length} finished`);
      }
      return open === 0 ? (jobs as VideoJob[]) : null;
    },
    cfg.timeoutMin * 60_000,
    500,
  );
  await stopWorkers();
  const bad = done.filter((j) => j.status !== "READY");
  if (bad.length) failures.push(`cap=${cap}: ${bad.length} not READY: ${bad.slice(0, 3).map((j) => `${j.status} ${j.error ?? ""}`).join("; ")}`);
  const isHeavy = (j: VideoJob) => j.ownerId === heavy.user.sub;
  const wait = (j: VideoJob) => (Date.parse(j.startedAt ?? j.finishedAt!) - Date.parse(j.createdAt)) / 1000;
  const finish = (j: VideoJob) => (Date.parse(j.finishedAt!) - t0) / 1000;
  return {
    cap,
    lightWait: done.filter((j) => !isHeavy(j)).map(wait),
    heavyWait: done.filter(isHeavy).map(wait),
    heavyRender: done.filter(isHeavy).map((j) => j.renderSeconds ?? NaN),
    lightRender: done.filter((j) => !isHeavy(j)).map((j) => j.renderSeconds ?? NaN),
    heavyLastDone: Math.max(...done.filter(isHeavy).map(finish)),
    lightLastDone: Math.max(...done.filter((j) => !isHeavy(j)).map(finish)),
  };
}

const rounds: Round[] = [];
try {
  console.log(
    `fairness bench (${short ? "short" : "full"}): 1 heavy user x ${cfg.heavyVideos} renders of ${cfg.heavyPhotos} photos x ${cfg.heavySeconds} s, ` +
      `then ${cfg.lightUsers} light users x 1 render of 3 photos x 2 s (720p 1:1, 24 fps, draft); ${WORKERS} worker processes; ` +
      `${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
  );
  const photos = await Promise.all([0, 1, 2].map((i) => makePhoto(path.join(root, `p${i}.jpg`), { width: 1600, height: 1200, seed: i + 1 })));
  const bodies = await Promise.all(photos.map((f) => readFile(f)));
  t = await startTestStack({ env: { QUOTA_PHOTOS: "100000" } });
  // Baseline first (no cap: what a worker did before), then the cap, on the same stack and machine.
  // Each round's workers exit only after their last long polls have answered (apps/worker/test/shutdown), so no
  // message of the next round is handed to a poll of a worker that is gone.
  for (const cap of [0, 1]) rounds.push(await round(t, bodies, cap));

  console.log(`\n${"".padEnd(44)} ${"p50".padStart(8)} ${"p95".padStart(8)} ${"max".padStart(8)}`);
  for (const r of rounds) {
    const name = r.cap ? `cap ${r.cap} per user` : "no cap (baseline)";
    console.log(`${name}:`);
    row("  light users' queue wait", r.lightWait);
    row("  heavy render duration (renderSeconds)", r.heavyRender);
    row("  light render duration", r.lightRender);
    row("  heavy user's queue wait", r.heavyWait);
    const p95 = quantile(r.lightWait, 0.95);
    const heavy = quantile(r.heavyRender, 0.5);
    console.log(
      `  light p95 ${p95.toFixed(1)} s vs one heavy render ${heavy.toFixed(1)} s: ${p95 < heavy ? "below (target met)" : "NOT below"}; ` +
        `last light video done at ${r.lightLastDone.toFixed(1)} s, last heavy at ${r.heavyLastDone.toFixed(1)} s`,
    );
  }
} catch (err) {
  failures.push(`bench error: ${err instanceof Error ? err.stack : String(err)}`);
} finally {
  await stopWorkers();
  process.on("uncaughtException", (err) => console.error(`(after shutdown) ${err.message}`));
  await t?.stop().catch(() => {});
  await rm(root, { recursive: true, force: true });
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s, load average now ${os.loadavg()[0]!.toFixed(1)}`);
if (failures.length) {
  console.error(`\nFAILED checks (${failures.length}):\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
process.exit(0);

function quantile(xs: number[], q: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
}
function row(name: string, xs: number[]) {
  console.log(`${name.padEnd(44)} ${quantile(xs, 0.5).toFixed(2).padStart(8)} ${quantile(xs, 0.95).toFixed(2).padStart(8)} ${Math.max(...xs).toFixed(2).padStart(8)}  s`);
}
