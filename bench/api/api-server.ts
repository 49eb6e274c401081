/**
 * Child process of api.bench.ts: the embedded stand-ins and a fresh database on the real PostgreSQL server (the test
 * kit's stack), one signed-up user with a seeded library, and the real API started through its own entry
 * (`@photoreel/api-server/main`) as its own process, pointed at them. Kept out of the load generator's process so
 * autocannon and the server never share an event loop, and the stand-ins out of the API's so its CPU is its own.
 * Talks to the parent over IPC; the API process is profiled through a preloaded hook (profiler-hook.ts).
 */
import { createHash, createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { keys } from "@photoreel/core";
import { startTestStack } from "@photoreel/api/testing";
import { startApiProcess } from "./api-process.ts";
import { seedPhotos, seedVideos } from "./seed.ts";

export type ApiCommand = { cmd: "profile-start" } | { cmd: "profile-stop" } | { cmd: "breakdown"; iterations: number } | { cmd: "stop" };
export interface ApiReady {
  kind: "ready";
  baseUrl: string;
  /** The API process (what the bench measures the CPU of). */
  apiPid: number;
  dbUrl: string;
  ownerId: string;
  token: string;
  photos: number;
  videos: number;
  seedSeconds: number;
}

const send = (m: unknown) => process.send!(m);
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 10_000);
const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 25);

const t = await startTestStack({ env: { QUOTA_PHOTOS: String(100_000_000), QUOTA_BYTES: String(2 ** 50) } });
const { user, accessToken: token } = await t.signUp(`bench-${Date.now()}@example.com`);
const t0 = performance.now();
const photoIds = await seedPhotos(t.app.db, user.sub, PHOTOS);
await seedVideos(t.app.adapters.jobs, user.sub, photoIds, VIDEOS);
const seedSeconds = (performance.now() - t0) / 1000;

const { child: api, baseUrl, stop: stopApi } = await startApiProcess({
  ...t.env,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
  QUOTA_PHOTOS: String(100_000_000),
  QUOTA_BYTES: String(2 ** 50),
}, { preload: [fileURLToPath(new URL("./profiler-hook.ts", import.meta.url))] });
send({ kind: "ready", baseUrl, apiPid: api.proc.pid!, dbUrl: t.env.DATABASE_URL!, ownerId: user.sub, token, photos: PHOTOS, videos: VIDEOS, seedSeconds } satisfies ApiReady);

process.on("message", (m: ApiCommand) => {
  void handle(m).catch((err: unknown) => send({ kind: "error", message: String(err instanceof Error ? err.stack : err) }));
});

async function handle(m: ApiCommand) {
  if (m.cmd === "profile-start" || m.cmd === "profile-stop") {
    send(await api.request(m));
  } else if (m.cmd === "breakdown") {
    send({ kind: "breakdown", rows: await breakdown(m.iterations) });
  } else {
    await stopApi();
    await t.stop();
    send({ kind: "stopped" });
    process.exit(0);
  }
}

/**
 * Sequential, in-process costs of the pieces of one photos.list request (no HTTP, no concurrency), on the same
 * service graph the API composes (the test kit composes it with the same function). CPU time is this process's
 * (user + system), which a noisy neighbour inflates far less than wall time; for database calls the wall time
 * includes PostgreSQL's share.
 */
async function breakdown(n: number) {
  const d = t.app.adapters;
  const opts = { sort: "uploaded" as const, limit: 50 };
  const time = async (name: string, per: string, iterations: number, fn: () => Promise<unknown>) => {
    for (let i = 0; i < Math.max(50, Math.min(200, iterations)); i++) await fn(); // warm: JIT and caches, as under load
    const c = process.cpuUsage();
    const s = performance.now();
    for (let i = 0; i < iterations; i++) await fn();
    const cpu = process.cpuUsage(c);
    return { name, per, wallMs: (performance.now() - s) / iterations, cpuMs: (cpu.user + cpu.system) / 1000 / iterations };
  };
  const key = keys.photoThumb(user.sub, photoIds[0]!);
  const listed = { result: { data: await t.app.services.photos.list(user.sub, opts) } };
  const presigner = reusedPresigner();
  return [
    await time("auth: verifyAccessToken (remembered token)", "request", n, () => t.app.verifier.verifyAccessToken(token)),
    await time("auth: users.ensure (upsert + select)", "request", n, () => d.users.ensure(user.sub, user.username)),
    await time("auth: resolveSession total (liveness cached)", "request", n, () => t.app.services.auth.resolveSession(token)),
    await time("db: photos repository list (51 rows)", "request", n, () => d.photos.list(user.sub, opts)),
    await time("s3: presignDownload (adapter, getSignedUrl)", "URL", n * 10, () => d.blobs.presignDownload(key, 900)),
    await time("s3: presignDownload x100 (Promise.all)", "request", Math.ceil(n / 4), () => Promise.all(Array.from({ length: 100 }, () => d.blobs.presignDownload(key, 900)))),
    await time("s3: reused S3RequestPresigner (alternative)", "URL", n * 10, () => presigner(key)),
    await time("service: photos.list (db + 100 presigns)", "request", Math.ceil(n / 4), () => t.app.services.photos.list(user.sub, opts)),
    await time("service: videos.list (dynalite + 60 presigns)", "request", Math.ceil(n / 4), () => t.app.services.videos.list(user.sub, { limit: 20 })),
    await time("service: auth.me (users.get)", "request", n, () => t.app.services.auth.me(user)),
    await time("json: JSON.stringify of a photos.list response", "request", n, async () => JSON.stringify(listed)),
  ];
}

/**
 * What presigning costs without getSignedUrl's per-call client/middleware/endpoint-ruleset work: one SigV4 presigner
 * built once, signing a request for the same path-style URL. (A possible fix, measured here so it can be weighed
 * against caching URLs.)
 */
function reusedPresigner() {
  class NodeSha256 {
    private h;
    constructor(secret?: unknown) {
      this.h = secret ? createHmac("sha256", secret as string | Uint8Array) : createHash("sha256");
    }
    update(data: unknown) {
      this.h.update(data as string | Uint8Array);
    }
    digest() {
      return Promise.resolve(new Uint8Array(this.h.digest()));
    }
  }
  const endpoint = new URL(t.config.S3_ENDPOINT ?? "https://s3.us-east-1.amazonaws.com");
  const presigner = new S3RequestPresigner({ credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, region: t.config.AWS_REGION, sha256: NodeSha256 });
  const port = endpoint.port ? Number(endpoint.port) : undefined;
  return async (key: string) => {
    const path = `/${t.config.S3_BUCKET}/${key.split("/").map(encodeURIComponent).join("/")}`;
    const r = await presigner.presign(
      { protocol: endpoint.protocol, hostname: endpoint.hostname, ...(port ? { port } : {}), method: "GET", path, query: {}, headers: { host: endpoint.host } },
      { expiresIn: 900 },
    );
    const query = Object.entries(r.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
    return `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ""}${r.path}?${query}`;
  };
}
