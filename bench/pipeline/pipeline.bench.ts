/**
 * Pipeline bench: many users create small videos at once through the API's router on the embedded stack (real
 * PostgreSQL, the in-process S3/SQS/DynamoDB stand-ins), rendered by 2 worker processes (WORKER_CONCURRENCY=1).
 * Baseline in the same run: the same small video rendered directly with renderVideo (no queue, no API, no S3).
 *   pnpm exec tsx bench/pipeline/pipeline.bench.ts [--short]
 * Exits non-zero unless every video ends READY with exactly video.mp4 + poster.jpg, rendered once (never on speed).
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createCaller, createInnerContext, memorySession } from "@photoreel/api";
import { VideoSpecSchema } from "@photoreel/contracts";
import { keys } from "@photoreel/core";
import { renderProfile, renderVideo } from "@photoreel/render";
import { draftSpec, PASSWORD, startTestStack, uploadPhotos, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";
import { makePhoto } from "../render/photos.ts";

// The worker app from source, as the worker package names it.
const WORKER = fileURLToPath(import.meta.resolve("@photoreel/worker/main"));

const short = process.argv.includes("--short");
const cfg = short ? { users: 4, videosPerUser: 3, baselineRuns: 1, timeoutMin: 10 } : { users: 20, videosPerUser: 10, baselineRuns: 3, timeoutMin: 40 };
const WORKERS = 2;
const total = cfg.users * cfg.videosPerUser;

const failures: string[] = [];
const started = performance.now();
const root = await mkdtemp(path.join(os.tmpdir(), "pipeline-bench-"));
let t: TestStack | null = null;
const workers: WorkerProcess[] = [];
try {
  console.log(
    `pipeline bench (${short ? "short" : "full"}): ${cfg.users} users x ${cfg.videosPerUser} videos = ${total}, each 3 photos x 2 s, 720p 1:1, 24 fps, draft; ` +
      `${WORKERS} worker processes, WORKER_CONCURRENCY=1; ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
  );
  // Three "camera" photos (gradient + grain + shapes, 1600x1200), uploaded by every user.
  const files = await Promise.all([0, 1, 2].map((i) => makePhoto(path.join(root, `p${i}.jpg`), { width: 1600, height: 1200, seed: i + 1 })));
  const bodies = await Promise.all(files.map((f) => readFile(f)));

  // Baseline: renderVideo with the same photos, spec and profile as the worker uses; alone, and WORKERS at once
  // (the workers' situation: that many renders sharing the cores).
  let n = 0;
  const direct = async () => {
    const spec = VideoSpecSchema.parse(draftSpec(files.map(() => crypto.randomUUID())));
    const workDir = path.join(root, `baseline-${n++}`);
    await mkdir(workDir);
    const t0 = performance.now();
    const out = await renderVideo({ spec, profile: renderProfile(spec), photos: files, workDir });
    if (out.width !== 720 || out.height !== 720 || Math.abs(out.durationSeconds - 5) > 0.2) failures.push(`baseline render: ${JSON.stringify(out)}`);
    return (performance.now() - t0) / 1000;
  };
  const baseline: number[] = [];
  const baselinePar: number[] = [];
  for (let i = 0; i < cfg.baselineRuns; i++) {
    baseline.push(await direct());
    baselinePar.push(...(await Promise.all(Array.from({ length: WORKERS }, direct))));
  }
  console.log(`baseline renderVideo (no queue/API/S3): alone ${baseline.map((x) => x.toFixed(2)).join(", ")} s; ${WORKERS} at once ${baselinePar.map((x) => x.toFixed(2)).join(", ")} s`);

  const tStack = performance.now();
  t = await startTestStack({ env: { WORKER_CONCURRENCY: "1", QUOTA_PHOTOS: "100000" } });
  const stack = t;
  for (let i = 0; i < WORKERS; i++) workers.push(spawnWorker(WORKER, stack.env));
  await until("workers polling", async () => workers.every((w) => w.logs.some((l) => l.includes("worker polling"))), 60_000, 100);
  console.log(`stack + ${WORKERS} workers up in ${((performance.now() - tStack) / 1000).toFixed(1)} s`);

  // Users sign up and upload at once. Each from its own address: sign-ups are limited to 10 per address.
  const tUp = performance.now();
  const users = await Promise.all(
    Array.from({ length: cfg.users }, async (_, i) => {
      const ip = `198.51.100.${i + 1}`;
      const anon = createCaller(createInnerContext({ services: stack.app.services, user: null, session: memorySession(), ip }));
      const email = `pipeline-${i}-${Date.now()}@example.com`;
      await anon.auth.signUp({ email, password: PASSWORD });
      const { accessToken } = await anon.auth.signIn({ email, password: PASSWORD });
      const user = await stack.app.verifier.verifyAccessToken(accessToken);
      const caller = stack.callerFor(user);
      const photoIds = await uploadPhotos(stack, caller, bodies.map((body, k) => ({ name: `p${k}.jpg`, type: "image/jpeg", body })));
      return { user, caller, photoIds };
    }),
  );
  await stack.app.localProcessing!.idle();
  for (const u of users) {
    const photos = await Promise.all(u.photoIds.map((id) => u.caller.photos.get({ id })));
    if (!photos.every((p) => p.status === "ready")) throw new Error(`photos not ready: ${photos.map((p) => `${p.status} ${p.rejectReason ?? ""}`).join(", ")}`);
  }
  console.log(`${cfg.users} users signed up and uploaded ${3 * cfg.users} photos in ${((performance.now() - tUp) / 1000).toFixed(1)} s`);

  // Everyone creates all their videos at once. Settled, not Promise.all: one refusal must not leave the others
  // writing to the stand-ins while the stack shuts down.
  const t0 = Date.now();
  const settled = await Promise.allSettled(
    users.flatMap((u) =>
      Array.from({ length: cfg.videosPerUser }, async () => {
        const c0 = performance.now();
        const v = await u.caller.videos.create(draftSpec(u.photoIds));
        return { ownerId: u.user.sub, videoId: v.id, createMs: performance.now() - c0 };
      }),
    ),
  );
  const createSeconds = (Date.now() - t0) / 1000;
  const videos = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const refused = settled.flatMap((r) => (r.status === "rejected" ? [r.reason as Error & { code?: string; cause?: Error & { code?: string } }] : []));
  if (refused.length) {
    const why = new Map<string, number>();
    for (const e of refused) {
      const k = `${e.code ?? e.name}: ${e.message}${e.cause ? ` (cause ${e.cause.name} ${e.cause.code ?? ""} ${e.cause.message})` : ""}`;
      why.set(k, (why.get(k) ?? 0) + 1);
    }
    failures.push(`${refused.length} of ${total} videos.create calls failed: ${[...why].map(([k, c]) => `${c} x ${k}`).join("; ")}`);
  }
  const createMs = videos.map((v) => v.createMs);
  console.log(
    `${videos.length} videos created in ${createSeconds.toFixed(2)} s${refused.length ? ` (${refused.length} refused)` : ""} ` +
      `(videos.create latency p50 ${quantile(createMs, 0.5).toFixed(0)} ms, p95 ${quantile(createMs, 0.95).toFixed(0)} ms, max ${Math.max(...createMs).toFixed(0)} ms); rendering...`,
  );

  // Poll the job records (what videos.list reads: one query per user) until nothing is QUEUED or RENDERING.
  const jobs = stack.app.adapters.jobs;
  const wanted = new Set(videos.map((v) => v.videoId));
  let lastReport = 0;
  const done = await until(
    "all videos finished",
    async () => {
      const pages = await Promise.all(users.map((u) => jobs.listByOwner(u.user.sub, { limit: 100, kind: "video" })));
      const all = pages.flatMap((p) => p.items).filter((j) => wanted.has(j.videoId));
      if (all.length !== videos.length) throw new Error(`${videos.length - all.length} videos missing from the job store`);
      const open = all.filter((j) => !j || j.status === "QUEUED" || j.status === "RENDERING").length;
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${all.length - open}/${all.length} finished`);
      }
      return open === 0 ? all : null;
    },
    cfg.timeoutMin * 60_000,
    short ? 1000 : 2000,
  );

  // Correctness: READY, exactly video.mp4 + poster.jpg under the video's prefix, rendered once.
  const notReady = done.filter((j) => j.status !== "READY");
  if (notReady.length) failures.push(`${notReady.length} videos not READY: ${notReady.slice(0, 5).map((j) => `${j.videoId} ${j.status} ${j.error ?? ""}`).join("; ")}`);
  const logs = workers.flatMap((w) => w.logs);
  for (const j of done) {
    const found: string[] = [];
    for await (const o of stack.app.adapters.blobs.list(keys.videoPrefix(j.ownerId, j.videoId))) found.push(o.key);
    const expected = [keys.poster(j.ownerId, j.videoId), keys.video(j.ownerId, j.videoId)];
    if (JSON.stringify(found.sort()) !== JSON.stringify(expected)) failures.push(`${j.videoId}: outputs ${JSON.stringify(found)}`);
    const renders = logs.filter((l) => l.includes(j.videoId) && l.includes("render ready")).length;
    if (renders !== 1) failures.push(`${j.videoId}: rendered ${renders} times`);
    if (j.output && (j.output.width !== 720 || j.output.height !== 720)) failures.push(`${j.videoId}: output ${j.output.width}x${j.output.height}`);
  }

  const ready = done.filter((j) => j.status === "READY" && j.startedAt && j.finishedAt);
  const ms = (a: string, b: string) => Date.parse(b) - Date.parse(a);
  const wait = ready.map((j) => ms(j.createdAt, j.startedAt!) / 1000);
  const render = ready.map((j) => j.renderSeconds ?? NaN);
  const claimToDone = ready.map((j) => ms(j.startedAt!, j.finishedAt!) / 1000);
  const e2e = Math.max(...ready.map((j) => Date.parse(j.finishedAt!))) - t0;
  const perWorker = workers.map((w) => w.logs.filter((l) => l.includes("render ready")).length);
  const retried = done.filter((j) => j.attempt > 0).length;
  // The baseline again, after the pipeline: the machine's load drifts, so the comparison uses both.
  baseline.push(await direct());
  baselinePar.push(...(await Promise.all(Array.from({ length: WORKERS }, direct))));
  console.log(`baseline again after the pipeline: alone ${baseline.at(-1)!.toFixed(2)} s; ${WORKERS} at once ${baselinePar.slice(-WORKERS).map((x) => x.toFixed(2)).join(", ")} s`);
  const base = median(baseline);
  const basePar = median(baselinePar);

  console.log(`\n${"".padEnd(40)} ${"p50".padStart(8)} ${"p95".padStart(8)} ${"max".padStart(8)}`);
  row("queue wait (startedAt - createdAt)", wait);
  row("render (job renderSeconds)", render);
  row("claim -> READY (finishedAt - startedAt)", claimToDone);
  console.log(
    `\nend to end (first create -> last READY): ${(e2e / 1000).toFixed(1)} s for ${ready.length} videos; throughput ${((ready.length / e2e) * 60_000).toFixed(1)} videos/min ` +
      `(${WORKERS} workers: ${perWorker.join(" + ")} renders; ${retried} retried)`,
  );
  console.log(
    `baseline renderVideo (median of before + after): alone ${base.toFixed(2)} s per video; ${WORKERS} at once ${basePar.toFixed(2)} s each ` +
      `(=> ${((60 / basePar) * WORKERS).toFixed(1)} videos/min ceiling for ${WORKERS} renderers without queue/API/S3)`,
  );
  const r50 = quantile(render, 0.5);
  console.log(
    `pipeline overhead per video: job render p50 ${r50.toFixed(2)} s vs ${basePar.toFixed(2)} s direct at the same concurrency ` +
      `(+${(r50 - basePar).toFixed(2)} s, ${(r50 / basePar).toFixed(2)}x: S3 download/upload, status writes); ` +
      `worker-seconds per video end to end ${(((e2e / 1000) * WORKERS) / ready.length).toFixed(2)} s (+${(((e2e / 1000) * WORKERS) / ready.length - basePar).toFixed(2)} s incl. queue polling/claiming)`,
  );
} catch (err) {
  failures.push(`bench error: ${err instanceof Error ? err.stack : String(err)}`);
} finally {
  for (const w of workers) w.child.kill("SIGTERM");
  await Promise.race([Promise.all(workers.map((w) => w.exited)), new Promise((r) => setTimeout(r, 10_000))]);
  for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  // A late write from a job still in flight must not crash the report after the stand-ins close.
  process.on("uncaughtException", (err) => console.error(`(after shutdown) ${err.message}`));
  await t?.stop().catch(() => {});
  await rm(root, { recursive: true, force: true });
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s, load average now ${os.loadavg()[0]!.toFixed(1)}`);
if (failures.length) {
  console.error(`\nFAILED checks (${failures.length}):\n  ${failures.slice(0, 20).join("\n  ")}`);
  process.exit(1);
}
console.log(`all ${total} videos READY with exactly video.mp4 + poster.jpg, each rendered once`);
process.exit(0);

function quantile(xs: number[], q: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
function median(xs: number[]) {
  return quantile(xs, 0.5);
}
function row(name: string, xs: number[]) {
  console.log(`${name.padEnd(40)} ${quantile(xs, 0.5).toFixed(2).padStart(8)} ${quantile(xs, 0.95).toFixed(2).padStart(8)} ${Math.max(...xs).toFixed(2).padStart(8)}  s`);
}
