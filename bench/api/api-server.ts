/**
 * Child process of api.bench.ts: the real API (startTestStack: embedded stand-ins + a fresh database on the real
 * PostgreSQL server), one signed-up user with a seeded library. Kept out of the load generator's process so
 * autocannon and the server never share an event loop. Talks to the parent over IPC.
 */
import { createHash, createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { resolveUser } from "@photoreel/api";
import { keys } from "@photoreel/core";
import { startTestStack, trpcHttp } from "../../apps/api/test/harness.ts";
import { summarizeProfile, type Profile } from "./profile.ts";
import { seedPhotos, seedVideos } from "./seed.ts";

export type ApiCommand = { cmd: "profile-start" } | { cmd: "profile-stop" } | { cmd: "breakdown"; iterations: number } | { cmd: "stop" };
export interface ApiReady {
  kind: "ready";
  baseUrl: string;
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
const email = `bench-${Date.now()}@example.com`;
const password = "Correct-Horse-9";
const up = await trpcHttp(t.baseUrl, "auth.signUp", { email, password });
if (up.status !== 200) throw new Error(`sign-up failed: ${up.status} ${JSON.stringify(up.body)}`);
const inn = await trpcHttp(t.baseUrl, "auth.signIn", { email, password });
const signedIn = (inn.body.result?.data as { accessToken?: string } | undefined)?.accessToken;
if (!signedIn) throw new Error(`sign-in failed: ${inn.status} ${JSON.stringify(inn.body)}`);
const token: string = signedIn;
const user = await t.app.verifier.verifyAccessToken(token);
const t0 = performance.now();
const photoIds = await seedPhotos(t.app.db, user.sub, PHOTOS);
await seedVideos(t.app.services.deps.jobs, user.sub, photoIds, VIDEOS);
const seedSeconds = (performance.now() - t0) / 1000;
send({ kind: "ready", baseUrl: t.baseUrl, dbUrl: t.env.DATABASE_URL!, ownerId: user.sub, token, photos: PHOTOS, videos: VIDEOS, seedSeconds } satisfies ApiReady);

let session: Session | null = null;

process.on("message", (m: ApiCommand) => {
  void handle(m).catch((err: unknown) => send({ kind: "error", message: String(err instanceof Error ? err.stack : err) }));
});

async function handle(m: ApiCommand) {
  if (m.cmd === "profile-start") {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
    send({ kind: "ok" });
  } else if (m.cmd === "profile-stop") {
    const { profile } = (await session!.post("Profiler.stop")) as { profile: Profile };
    session!.disconnect();
    session = null;
    const file = join(tmpdir(), `photoreel-api-bench-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    send({ kind: "profile", summary: summarizeProfile(profile), file });
  } else if (m.cmd === "breakdown") {
    send({ kind: "breakdown", rows: await breakdown(m.iterations) });
  } else {
    await t.stop();
    send({ kind: "stopped" });
    process.exit(0);
  }
}

/**
 * Sequential, in-process costs of the pieces of one photos.list request (no HTTP, no concurrency). CPU time is this
 * process's (user + system), which a noisy neighbour inflates far less than wall time; for database calls the wall
 * time includes PostgreSQL's share.
 */
async function breakdown(n: number) {
  const d = t.app.services.deps;
  const opts = { sort: "uploaded" as const, limit: 50 };
  const time = async (name: string, per: string, iterations: number, fn: () => Promise<unknown>) => {
    for (let i = 0; i < Math.min(20, iterations); i++) await fn(); // warm
    const c = process.cpuUsage();
    const s = performance.now();
    for (let i = 0; i < iterations; i++) await fn();
    const cpu = process.cpuUsage(c);
    return { name, per, wallMs: (performance.now() - s) / iterations, cpuMs: (cpu.user + cpu.system) / 1000 / iterations };
  };
  const key = keys.photoThumb(user.sub, photoIds[0]!);
  const presigner = reusedPresigner();
  return [
    await time("auth: verifyAccessToken (aws-jwt-verify)", "request", n, () => t.app.verifier.verifyAccessToken(token)),
    await time("auth: users.ensure (upsert + select)", "request", n, () => d.users.ensure(user.sub, user.username)),
    await time("auth: resolveUser total (liveness cached)", "request", n, () => resolveUser(t.app.services, t.app.verifier, token)),
    await time("db: photos repository list (51 rows)", "request", n, () => d.photos.list(user.sub, opts)),
    await time("s3: presignDownload (adapter, getSignedUrl)", "URL", n * 10, () => d.blobs.presignDownload(key, 900)),
    await time("s3: presignDownload x100 (Promise.all)", "request", Math.ceil(n / 4), () => Promise.all(Array.from({ length: 100 }, () => d.blobs.presignDownload(key, 900)))),
    await time("s3: reused S3RequestPresigner (alternative)", "URL", n * 10, () => presigner(key)),
    await time("service: photos.list (db + 100 presigns)", "request", Math.ceil(n / 4), () => t.app.services.photos.list(user.sub, opts)),
    await time("service: videos.list (dynalite + 60 presigns)", "request", Math.ceil(n / 4), () => t.app.services.videos.list(user.sub, { limit: 20 })),
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
