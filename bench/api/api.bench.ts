/**
 * API bench: autocannon on loopback against the real API (express + tRPC + aws-jwt-verify + kysely on the real
 * PostgreSQL server, presigning with the AWS SDK) and, in the same run, a bare node:http + pg server answering the
 * same photo-list SQL, and a framework floor: Express + tRPC answering that SQL with nothing of ours (floor-server.ts),
 * with the bare answer and padded to photos.list's size (its presigned URLs double the bytes), here and as on AWS
 * (where each URL also carries a session token): the most this stack can do for that answer. The list, and the floor at
 * the AWS size, also run as a browser gets them (gzipped). One user with 10,000 ready photos and 25 ready videos.
 *   pnpm exec tsx bench/api/api.bench.ts [--short]
 * The servers run in child processes, the load generator in this one. Exits non-zero when a response is not 2xx or
 * has the wrong shape (never on speed); the targets are reported, not enforced.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { rawGet } from "@photoreel/testkit";
import type { ApiReady } from "./api-server.ts";
import { startChild, type Child } from "./child.ts";
import { countOf, runLoad, type LoadResult, type LoadSpec } from "./load.ts";
import { cpuMsOf, waitIdle } from "./proc-cpu.ts";
import type { ProfileSummary } from "./profile.ts";

const short = process.argv.includes("--short");
const cfg = short
  ? { connections: 20, seconds: 3, warmup: 1, profileSeconds: 2, breakdown: 60 }
  : { connections: 100, seconds: 30, warmup: 3, profileSeconds: 8, breakdown: 200 };
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
/** Issue 14's targets: list throughput vs bare; p99 vs bare's at full load; p99 at light load (10 connections). */
const TARGET = { ratio: 0.5, p99VsBare: 1.5, p99Light: 25, lightConnections: 10 };

const failures: string[] = [];
const children: Child[] = [];
const started = performance.now();
try {
  console.log(`api bench (${short ? "short" : "full"}): ${cfg.connections} connections, ${cfg.seconds} s per endpoint (+${cfg.warmup} s warm-up), loopback`);
  const api = startChild(here("./api-server.ts"));
  children.push(api);
  const ready = await api.next<ApiReady>();
  console.log(`seeded ${ready.photos} photos + ${ready.videos} ready videos for one user in ${ready.seedSeconds.toFixed(1)} s; API at ${ready.baseUrl}`);
  const bare = startChild(here("./bare-server.ts"), { BARE_DB_URL: ready.dbUrl, BARE_OWNER_ID: ready.ownerId });
  children.push(bare);
  const bareReady = await bare.next<{ baseUrl: string; sql: string }>();
  console.log(`baseline: bare node:http + pg (pool 10) at ${bareReady.baseUrl}\n  ${bareReady.sql}`);
  const floor = startChild(here("./floor-server.ts"), { BARE_DB_URL: ready.dbUrl, BARE_OWNER_ID: ready.ownerId });
  children.push(floor);
  const floorReady = await floor.next<{ baseUrl: string }>();
  console.log(`framework floor: Express 5 + tRPC 11 + zod input + pg (pool 10), the same SQL, no auth/logging/headers/presigning, at ${floorReady.baseUrl}`);

  const auth = { authorization: `Bearer ${ready.token}` };
  /** What Chromium's fetch sends: the API answers it with gzip (never brotli: apps/api/src/http/app.ts). */
  const browser = { "accept-encoding": "gzip, deflate, br, zstd" };
  const q = (input: unknown) => `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const uploadBody = JSON.stringify({
    files: Array.from({ length: 10 }, (_, i) => ({ filename: `IMG_${i}.jpg`, contentType: "image/jpeg", bytes: 3_000_000 + i })),
  });
  const base = { connections: cfg.connections, seconds: cfg.seconds };
  const expectCount = (needle: string, n: number) => (body: string) => {
    const c = countOf(body, needle);
    return c === n ? null : `expected ${n} x ${needle}, got ${c}: ${body.slice(0, 200)}`;
  };
  const specs = {
    bare: { ...base, name: "bare node:http+pg list", url: bareReady.baseUrl, method: "GET", path: `/trpc/photos.list${q({ limit: 50 })}`, check: expectCount('"id":"', 50) },
    floor: { ...base, name: "floor Express+tRPC list", url: floorReady.baseUrl, method: "GET", path: `/trpc/photos.list${q({ limit: 50 })}`, check: expectCount('"id":"', 50) },
    list: { ...base, name: "photos.list (50)", url: ready.baseUrl, method: "GET", path: `/trpc/photos.list${q({ limit: 50 })}`, headers: auth, check: listCheck },
    videos: { ...base, name: "videos.list (20)", url: ready.baseUrl, method: "GET", path: `/trpc/videos.list${q({ limit: 20 })}`, headers: auth, check: expectCount('"videoUrl":"http', 20) },
    me: { ...base, name: "auth.me", url: ready.baseUrl, method: "GET", path: "/trpc/auth.me", headers: auth, check: expectCount(`"id":"${ready.ownerId}"`, 1) },
    uploads: {
      ...base, name: "photos.createUploads (10)", url: ready.baseUrl, method: "POST", path: "/trpc/photos.createUploads",
      headers: { ...auth, "content-type": "application/json" }, body: uploadBody, check: expectCount('"ok":true', 10),
    },
  } satisfies Record<string, LoadSpec>;

  // Compressed bodies are checked once in full (wireCheck); under load, a 2xx with a body.
  const compressed = { check: (body: string) => (body.length > 0 ? null : "empty body") };
  const listGz = { ...specs.list, ...compressed, name: "photos.list, gzip", headers: { ...auth, ...browser } } satisfies LoadSpec;

  // One request each, parsed in full, before any load.
  const listBytes = await shapeCheck(specs.list, (d) => {
    const data = d as { items: { thumbnailUrl: string | null; previewUrl: string | null }[]; nextCursor: string | null };
    if (data.items.length !== 50) return `photos.list returned ${data.items.length} items`;
    if (!data.items.every((p) => p.thumbnailUrl?.startsWith("http") && p.previewUrl?.startsWith("http"))) return "photos.list items lack presigned URLs";
    return data.nextCursor ? null : "photos.list has no next page";
  });
  await shapeCheck(specs.bare, (d) => ((d as { items: unknown[] }).items.length === 50 ? null : "bare list is not 50 items"));
  const floorBytes = await shapeCheck(specs.floor, (d) => ((d as { items: unknown[] }).items.length === 50 ? null : "floor list is not 50 items"));
  // The same floor answering as many bytes as photos.list (its 100 presigned URLs make it over twice the bare answer):
  // two strings per item where the API has its URLs, each (extra bytes / 100) less the field names and quotes.
  const urlChars = Math.max(1, Math.round((listBytes - floorBytes) / 100 - (',"thumbnailUrl":""'.length + ',"previewUrl":""'.length) / 2));
  /** The floor with two `chars`-long strings per item (floor-server.ts), its answer checked once. */
  const startPaddedFloor = async (name: string, chars: number, env: Record<string, string> = {}) => {
    const c = startChild(here("./floor-server.ts"), { BARE_DB_URL: ready.dbUrl, BARE_OWNER_ID: ready.ownerId, FLOOR_URL_CHARS: String(chars), ...env });
    children.push(c);
    const spec: LoadSpec = { ...specs.floor, name, url: (await c.next<{ baseUrl: string }>()).baseUrl };
    return { spec, pid: c.proc.pid!, bytes: await shapeCheck(spec, (d) => ((d as { items: unknown[] }).items.length === 50 ? null : `${name}: not 50 items`)) };
  };
  const sized = await startPaddedFloor("floor, API-sized answer", urlChars);
  console.log(`  (the sized floor adds two ${urlChars}-character strings per item: ${sized.bytes} bytes against photos.list's ${listBytes})`);
  // On AWS the API signs with the task role's temporary credentials, so every URL also carries X-Amz-Security-Token
  // (here a 1,000-character base64 token; their length varies), which the stand-ins' static keys do not.
  const awsChars = urlChars + "&X-Amz-Security-Token=".length + encodeURIComponent(randomBytes(750).toString("base64")).length;
  const aws = await startPaddedFloor("floor, AWS-sized answer", awsChars);
  // The same, gzipped as the API answers a browser: what the AWS-sized answer costs the server that way.
  const awsGz = await startPaddedFloor("floor, AWS-sized, gzip", awsChars, { FLOOR_COMPRESS: "1" });
  awsGz.spec = { ...awsGz.spec, ...compressed, headers: { "accept-encoding": "gzip" } };
  const listWire = await wireCheck(listGz);
  const awsWire = await wireCheck(awsGz.spec);
  console.log(
    `  as a browser gets them: photos.list ${(listBytes / 1024).toFixed(1)} KiB -> ${(listWire / 1024).toFixed(1)} KiB gzipped; ` +
      `the AWS-sized answer ${(aws.bytes / 1024).toFixed(1)} KiB -> ${(awsWire / 1024).toFixed(1)} KiB`,
  );

  const results: (LoadResult & { cpuMsPerReq: number })[] = [];
  const warm = async (s: LoadSpec, pid: number) => {
    await waitIdle(pid);
    await runLoad({ ...s, seconds: cfg.warmup });
  };
  /** A measured run: starts once the server is idle; CPU per answered request from the server process's /proc stat. */
  const run = async (s: LoadSpec, pid: number) => {
    await waitIdle(pid);
    const c0 = cpuMsOf(pid);
    const r = { ...(await runLoad(s)), cpuMsPerReq: 0 };
    r.cpuMsPerReq = (cpuMsOf(pid) - c0) / Math.max(1, r.requests);
    results.push(r);
    console.log(
      `  ${r.name.padEnd(28)} ${fmt(r.rps, 0).padStart(6)} req/s  p50 ${fmt(r.p50, 1)} ms  p99 ${fmt(r.p99, 1)} ms  errors ${errorsOf(r)}  ` +
        `server CPU ${fmt(r.cpuMsPerReq, 2)} ms/req  (${r.requests} answered, ${r.unanswered} in flight at the end)`,
    );
    // Correctness, never speed: a non-2xx answer, a wrong body, a broken connection, or no answer at all.
    // (Timeouts are counted as errors in the table but are a speed symptom.)
    // Every endpoint also had one request checked in full before its load, so a run too slow to answer at all
    // (a speed problem) is reported but not failed.
    if (r.non2xx || r.badBodies || r.socketErrors)
      failures.push(`${r.name}: ${r.requests} answered, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors, ${r.badBodies} bad bodies; first: ${r.firstProblem}`);
    if (r.requests === 0) console.log(`  (no answer within ${s.seconds} s: too slow to measure here, not a correctness failure)`);
    return r;
  };

  // The list runs are bracketed (bare, the floors, API, bare) so drift on this shared machine shows up as a bare-vs-bare gap.
  const [apiPid, barePid, floorPid] = [ready.apiPid, bare.proc.pid!, floor.proc.pid!];
  await warm(specs.bare, barePid);
  await warm(specs.floor, floorPid);
  await warm(sized.spec, sized.pid);
  await warm(aws.spec, aws.pid);
  await warm(awsGz.spec, awsGz.pid);
  await warm(specs.list, apiPid);
  const bare1 = await run(specs.bare, barePid);
  const floorRun = await run(specs.floor, floorPid);
  const sizedRun = await run(sized.spec, sized.pid);
  const awsRun = await run(aws.spec, aws.pid);
  const list = await run(specs.list, apiPid);
  const listGzRun = await run(listGz, apiPid);
  const awsGzRun = await run(awsGz.spec, awsGz.pid);
  const bare2 = await run({ ...specs.bare, name: "bare node:http+pg list (2)" }, barePid);
  // Where photos.list spends its CPU: the API process's own profile under the same load (not the measured run), before
  // createUploads adds rows that would top the list.
  await api.request({ cmd: "profile-start" });
  await runLoad({ ...specs.list, seconds: cfg.profileSeconds });
  const { summary, file } = await api.request<{ summary: ProfileSummary; file: string }>({ cmd: "profile-stop" });
  printProfile("photos.list", summary);
  console.log(`  (raw profile for Chrome DevTools: ${file})`);
  await waitIdle(apiPid);
  // Light load: the p99 a single user's screen sees, not queueing behind 100 connections.
  const light = { connections: TARGET.lightConnections, seconds: Math.max(2, Math.round(cfg.seconds / 3)) };
  const bareLight = await run({ ...specs.bare, ...light, name: `bare list @${light.connections} conns` }, barePid);
  const floorLight = await run({ ...specs.floor, ...light, name: `floor list @${light.connections} conns` }, floorPid);
  const sizedLight = await run({ ...sized.spec, ...light, name: `floor API-sized @${light.connections} conns` }, sized.pid);
  const listLight = await run({ ...specs.list, ...light, name: `photos.list @${light.connections} conns` }, apiPid);

  const { rows } = await api.request<{ rows: { name: string; per: string; wallMs: number; cpuMs: number }[] }>({ cmd: "breakdown", iterations: cfg.breakdown });
  console.log(`\nphotos.list pieces, sequential in the API process (no HTTP, no concurrency):`);
  console.log(`  ${"".padEnd(48)} ${"wall".padStart(9)} ${"cpu".padStart(9)}`);
  for (const r of rows) {
    const k = r.per === "URL" ? 1000 : 1;
    console.log(`  ${r.name.padEnd(48)} ${fmt(r.wallMs * k, 3).padStart(9)} ${fmt(r.cpuMs * k, 3).padStart(9)}  ${r.per === "URL" ? "µs per URL" : "ms per request"}`);
  }
  const get = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
  // The adapter reuses a URL for its whole expiry window, so a warm list signs nothing: compare with a fresh signature.
  console.log(
    `  => presigning: ${fmt(get("s3: presignDownload (adapter").cpuMs * 1000, 1)} µs CPU per URL through the adapter (reused within its window) ` +
      `vs ${fmt(get("s3: reused").cpuMs * 1000, 1)} µs for a fresh SigV4 signature`,
  );
  await shapeCheck(specs.videos, (d) => ((d as { items: { videoUrl: string | null }[] }).items.filter((v) => v.videoUrl).length === 20 ? null : "videos.list is not 20 ready videos"));
  await warm(specs.videos, apiPid);
  const videos = await run(specs.videos, apiPid);
  await shapeCheck(specs.me, (d) => ((d as { id: string }).id === ready.ownerId ? null : "auth.me is someone else"));
  await warm(specs.me, apiPid);
  const me = await run(specs.me, apiPid);
  await api.request({ cmd: "profile-start" });
  await runLoad({ ...specs.me, seconds: cfg.profileSeconds });
  const meProfile = await api.request<{ summary: ProfileSummary; file: string }>({ cmd: "profile-stop" });
  printProfile("auth.me", meProfile.summary);
  await waitIdle(apiPid);
  // Last: every request inserts 10 rows that would otherwise top the photo list measured above.
  await shapeCheck(specs.uploads, (d) => {
    const r = (d as { results: { ok: boolean; upload?: { url: string; fields: Record<string, string> } }[] }).results;
    return r.length === 10 && r.every((x) => x.ok && x.upload?.url && x.upload.fields.Policy) ? null : `createUploads: ${JSON.stringify(r).slice(0, 300)}`;
  });
  await warm(specs.uploads, apiPid);
  const uploads = await run(specs.uploads, apiPid);

  const bareRps = (bare1.rps + bare2.rps) / 2;
  const bareCpu = (bare1.cpuMsPerReq + bare2.cpuMsPerReq) / 2;
  console.log(
    `\n${"endpoint".padEnd(28)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)} ${"errors".padStart(7)} ${"cpu ms/req".padStart(11)}  vs bare (req/s, cpu/req)`,
  );
  for (const r of [bare1, bare2, floorRun, sizedRun, awsRun, awsGzRun, list, listGzRun, bareLight, floorLight, sizedLight, listLight, videos, me, uploads]) {
    const ratio = [list, listGzRun, floorRun, sizedRun, awsRun, awsGzRun].includes(r) ? `${fmt((100 * r.rps) / bareRps, 1)}%, ${fmt(r.cpuMsPerReq / bareCpu, 1)}x` : "";
    console.log(
      `${r.name.padEnd(28)} ${fmt(r.rps, 0).padStart(8)} ${fmt(r.p50, 2).padStart(8)} ${fmt(r.p99, 2).padStart(8)} ${fmt(r.max, 1).padStart(8)} ${String(errorsOf(r)).padStart(7)} ${fmt(r.cpuMsPerReq, 2).padStart(11)}  ${ratio}`,
    );
  }
  console.log(
    `(errors = non-2xx + socket errors + timeouts; cpu = the server process only (the stand-ins run in another process), ` +
      `not PostgreSQL's; bare-vs-bare req/s spread ${fmt((100 * Math.abs(bare1.rps - bare2.rps)) / bareRps, 1)}%; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`,
  );
  printWhereTimeGoes({ list, me, bareCpu, floorCpu: floorRun.cpuMsPerReq, rows });
  const ratio = list.rps / bareRps;
  const bareP99 = (bare1.p99 + bare2.p99) / 2;
  const met = (ok: boolean) => (ok ? "MET" : "MISSED");
  console.log(
    `\ntargets (reported, not enforced): photos.list >= ${TARGET.ratio * 100}% of bare req/s: ${fmt(ratio * 100, 1)}% ${met(ratio >= TARGET.ratio)}; ` +
      `p99 at ${cfg.connections} connections <= ${TARGET.p99VsBare}x bare's (${fmt(bareP99, 1)} ms): ${fmt(list.p99, 1)} ms = ${fmt(list.p99 / bareP99, 2)}x ${met(list.p99 <= TARGET.p99VsBare * bareP99)}; ` +
      `p99 at ${TARGET.lightConnections} connections < ${TARGET.p99Light} ms: ${fmt(listLight.p99, 1)} ms ${met(listLight.p99 < TARGET.p99Light)}; ` +
      `zero errors: ${met(results.every((r) => errorsOf(r) === 0))}`,
  );
  // What the fixed stack allows: Express + tRPC with nothing of ours, against the same targets.
  console.log(
    `framework floor (Express + tRPC, same SQL, nothing of ours) against the same targets: ${fmt((100 * floorRun.rps) / bareRps, 1)}% of bare req/s; ` +
      `p99 at ${cfg.connections} connections ${fmt(floorRun.p99 / bareP99, 2)}x bare's; p99 at ${TARGET.lightConnections} connections ${fmt(floorLight.p99, 1)} ms` +
      `\nthe floor answering photos.list's bytes (${(sized.bytes / 1024).toFixed(1)} KiB), the ceiling for this answer on this stack: ${fmt((100 * sizedRun.rps) / bareRps, 1)}% of bare req/s; ` +
      `p99 at ${cfg.connections} connections ${fmt(sizedRun.p99 / bareP99, 2)}x bare's; p99 at ${TARGET.lightConnections} connections ${fmt(sizedLight.p99, 1)} ms` +
      `\nthe same at the size photos.list has on AWS (${(aws.bytes / 1024).toFixed(1)} KiB, every URL with a session token): ${fmt((100 * awsRun.rps) / bareRps, 1)}% of bare req/s; ` +
      `p99 at ${cfg.connections} connections ${fmt(awsRun.p99 / bareP99, 2)}x bare's` +
      `\nphotos.list against the floor: ${fmt((100 * list.rps) / floorRun.rps, 1)}% of its req/s, ${fmt(list.cpuMsPerReq / floorRun.cpuMsPerReq, 2)}x its CPU per request; ` +
      `p99 ${fmt(list.p99 / floorRun.p99, 2)}x at ${cfg.connections} connections, ${fmt(listLight.p99 / floorLight.p99, 2)}x at ${TARGET.lightConnections}` +
      // The same comparison at equal bytes takes the machine and the answer's size out of the ratio: what our code costs.
      `\nphotos.list against the floor answering its bytes: ${fmt((100 * list.rps) / sizedRun.rps, 1)}% of its req/s, ${fmt(list.cpuMsPerReq / sizedRun.cpuMsPerReq, 2)}x its CPU per request; ` +
      `p99 ${fmt(list.p99 / sizedRun.p99, 2)}x at ${cfg.connections} connections, ${fmt(listLight.p99 / sizedLight.p99, 2)}x at ${TARGET.lightConnections}`,
  );
  // What compression costs the server, against the bytes it saves on the user's connection.
  console.log(
    `gzipped as a browser gets them: photos.list ${fmt(listGzRun.rps, 0)} req/s (${fmt((100 * listGzRun.rps) / list.rps, 1)}% of plain), ` +
      `${fmt(listGzRun.cpuMsPerReq, 2)} ms CPU per request against ${fmt(list.cpuMsPerReq, 2)}, ${fmt(listWire / 1024, 1)} KiB on the wire instead of ${fmt(listBytes / 1024, 1)}; ` +
      `the AWS-sized floor ${fmt(awsGzRun.rps, 0)} req/s (${fmt((100 * awsGzRun.rps) / awsRun.rps, 1)}% of plain), ${fmt(awsGzRun.cpuMsPerReq, 2)} ms CPU per request against ${fmt(awsRun.cpuMsPerReq, 2)}, ` +
      `${fmt(awsWire / 1024, 1)} KiB instead of ${fmt(aws.bytes / 1024, 1)}`,
  );

} catch (err) {
  failures.push(`bench error: ${err instanceof Error ? err.stack : String(err)}`);
} finally {
  await Promise.all(children.map((c) => c.stop().catch(() => {})));
}
console.log(`\ntotal ${fmt((performance.now() - started) / 1000, 1)} s`);
if (failures.length) {
  console.error(`\nFAILED checks:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("all responses 2xx with the expected shape");
process.exit(0);

function listCheck(body: string) {
  const ids = countOf(body, '"id":"');
  const thumbs = countOf(body, '"thumbnailUrl":"http');
  return ids === 50 && thumbs === 50 ? null : `photos.list: ${ids} items, ${thumbs} thumbnail URLs: ${body.slice(0, 200)}`;
}

/** Checks one response in full; returns its length in bytes. */
async function shapeCheck(s: LoadSpec, check: (data: unknown) => string | null) {
  const res = await fetch(s.url + s.path, { method: s.method, headers: s.headers ?? {}, ...(s.body !== undefined ? { body: s.body } : {}) });
  const text = await res.text();
  const problem = res.status !== 200 ? `${s.name}: HTTP ${res.status} ${text.slice(0, 300)}` : check((JSON.parse(text) as { result: { data: unknown } }).result.data);
  if (problem) throw new Error(problem);
  console.log(`  ${s.name}: one response checked in full (${(text.length / 1024).toFixed(1)} KiB)`);
  return Buffer.byteLength(text);
}

/** Checks one gzipped response in full as it crosses the wire (fetch would decode it); returns its length in bytes. */
async function wireCheck(s: LoadSpec) {
  const { status, headers, body } = await rawGet(s.url + s.path, s.headers);
  const encoding = headers["content-encoding"];
  if (status !== 200 || encoding !== "gzip") throw new Error(`${s.name}: HTTP ${status}, content-encoding ${encoding}`);
  const { items } = (JSON.parse(gunzipSync(body).toString("utf8")) as { result: { data: { items: unknown[] } } }).result.data;
  if (items.length !== 50) throw new Error(`${s.name}: ${items.length} items`);
  console.log(`  ${s.name}: one response checked in full (${(body.length / 1024).toFixed(1)} KiB gzipped)`);
  return body.length;
}

function printProfile(endpoint: string, s: ProfileSummary) {
  console.log(
    `\nCPU profile of the API process during ${cfg.profileSeconds} s of ${endpoint} load (${fmt(s.totalMs, 0)} ms sampled), ` +
      `by package (V8 builtins and node: internals charged to the calling package):`,
  );
  for (const r of s.byPackage.slice(0, 12)) console.log(`  ${fmt(r.pct, 1).padStart(5)}%  ${r.name}`);
  console.log("  top functions (own self time):");
  for (const r of s.topFunctions.slice(0, 12)) console.log(`  ${fmt(r.pct, 1).padStart(5)}%  ${r.name}`);
}

/**
 * Where one request's CPU goes in the API process: the load run's CPU per answered request, split into the pieces
 * the in-process breakdown timed one by one (auth, the service call, JSON), and the rest: what only the HTTP path adds
 * (node:http, Express, tRPC, cookies, request logging, the garbage they make). The bare server's whole CPU per
 * request is the yardstick (it does the same SQL and JSON, nothing else).
 */
function printWhereTimeGoes(m: { list: LoadResult & { cpuMsPerReq: number }; me: LoadResult & { cpuMsPerReq: number }; bareCpu: number; floorCpu: number; rows: { name: string; cpuMs: number }[] }) {
  const cpu = (prefix: string) => m.rows.find((r) => r.name.startsWith(prefix))?.cpuMs ?? 0;
  const auth = cpu("auth: resolveSession");
  const line = (name: string, ms: number, total: number) => console.log(`  ${name.padEnd(60)} ${fmt(ms, 3).padStart(8)} ms  ${fmt((100 * ms) / total, 0).padStart(3)}%`);
  const report = (title: string, total: number, pieces: [string, number][]) => {
    console.log(`\n${title}: ${fmt(total, 3)} ms CPU per request in the API process under load (bare server: ${fmt(m.bareCpu, 3)} ms; Express + tRPC floor: ${fmt(m.floorCpu, 3)} ms)`);
    const rest = total - pieces.reduce((a, [, ms]) => a + ms, 0);
    for (const [name, ms] of pieces) line(name, ms, total);
    if (rest >= 0) line("the rest: node:http, Express, tRPC, cookies, logging, GC", rest, total);
    else console.log(`  (the pieces timed alone add up to more than the loaded total: too noisy a run to split; read the profile)`);
  };
  // The service call (repository + 100 presigned URLs) is one piece: timed separately, the repository alone
  // varies more from run to run on a shared machine than the presigning (cached URLs) it would be subtracted from.
  report("where photos.list's time goes", m.list.cpuMsPerReq, [
    ["auth: resolveSession (token verify, liveness cached)", auth],
    ["service: photos.list (kysely + pg 51 rows, 100 cached URLs)", cpu("service: photos.list")],
    ["json: JSON.stringify of the response (~62 KiB)", cpu("json: JSON.stringify")],
  ]);
  report("where auth.me's time goes", m.me.cpuMsPerReq, [
    ["auth: resolveSession (token verify, liveness cached)", auth],
    ["service: auth.me (users.get)", cpu("service: auth.me")],
  ]);
}

function errorsOf(r: LoadResult) {
  return r.non2xx + r.socketErrors + r.timeouts;
}

function fmt(n: number, digits: number) {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}
