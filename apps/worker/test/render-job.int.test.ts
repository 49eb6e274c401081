import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createAwsAdapters, createAwsClients, credentialsOf } from "@photoreel/adapters";
import { loadConfig } from "@photoreel/config";
import { VideoSpecSchema, type RenderMessage } from "@photoreel/contracts";
import { keys, systemClock, uuidv7, type BlobStore, type VideoJob } from "@photoreel/core";
import { startLocalStack, type LocalStack } from "@photoreel/local-stack";
import { pino } from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderJob, type RenderJobDeps } from "../src/render-job";

let stack: LocalStack;
let dataDir: string;
let adapters: ReturnType<typeof createAwsAdapters>;
let clients: ReturnType<typeof createAwsClients>;
const ownerId = "owner-render-job";
const photoIds = [uuidv7(), uuidv7()];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "render-job-test-"));
  stack = await startLocalStack({ dataDir, webOrigin: "http://127.0.0.1", ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 }, inMemory: true });
  const config = loadConfig({ ...process.env, ...stack.env });
  clients = createAwsClients(config, credentialsOf(config));
  adapters = createAwsAdapters(config, clients);
  for (const [i, id] of photoIds.entries()) {
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: i ? "#2050c0" : "#c05020" } }).jpeg().toBuffer();
    await adapters.blobs.put(keys.photoChecked(ownerId, id), jpeg, "image/jpeg");
  }
});
afterAll(async () => {
  clients?.destroy();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function queuedJob(owner = ownerId): Promise<RenderMessage> {
  const now = new Date().toISOString();
  const spec = VideoSpecSchema.parse({ slides: photoIds.map((photoId) => ({ photoId })), secondsPerPhoto: 2, resolution: "720p", aspect: "1:1", fps: 24, quality: "draft" });
  const job: VideoJob = {
    ownerId: owner, videoId: uuidv7(), kind: "video", status: "QUEUED", spec, attempt: 0, progress: 0, etaSeconds: null, error: null, output: null,
    createdAt: now, updatedAt: now, enqueuedAt: now, startedAt: null, finishedAt: null, heartbeatAt: null, renderSeconds: null, cancelRequested: false, leaseId: null,
  };
  await adapters.jobs.create(job);
  return { kind: "render", ownerId: owner, videoId: job.videoId, attempt: 0 };
}

const deps = (over: Partial<RenderJobDeps> = {}): RenderJobDeps => ({
  jobs: adapters.jobs, blobs: adapters.blobs, clock: systemClock, log: pino({ level: "silent" }), workerId: "test", staleAfterMs: 5000, heartbeatMs: 250, ...over,
});
const until = async <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** The real S3 stand-in, except that photo downloads stall (a hung connection) until aborted. */
function stallingDownloads(blobs: BlobStore): BlobStore & { stalled: Promise<void> } {
  let reached!: () => void;
  const stalled = new Promise<void>((r) => (reached = r));
  return Object.assign(Object.create(blobs) as BlobStore, {
    stalled,
    async getStream(_key: string, opts: { signal?: AbortSignal } = {}) {
      reached();
      const body = new Readable({ read() {} });
      opts.signal?.addEventListener("abort", () => body.destroy(opts.signal!.reason as Error), { once: true });
      return body;
    },
  });
}

describe("renderJob's heartbeat, cancel and time budget", () => {
  it("keeps the heartbeat going while a download makes no progress, and a cancel stops the download", async () => {
    const msg = await queuedJob();
    const blobs = stallingDownloads(adapters.blobs);
    const outcome = renderJob(deps({ blobs }), msg, { shutdown: new AbortController().signal });
    await blobs.stalled;
    const first = (await adapters.jobs.get(ownerId, msg.videoId))!;
    expect(first.status).toBe("RENDERING");
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await adapters.jobs.get(ownerId, msg.videoId))!;
    expect(Date.parse(later.heartbeatAt!)).toBeGreaterThan(Date.parse(first.heartbeatAt!));

    const asked = Date.now();
    await adapters.jobs.requestCancel(ownerId, msg.videoId);
    expect(await outcome).toBe("canceled");
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect((await adapters.jobs.get(ownerId, msg.videoId))!.status).toBe("CANCELED");
  });

  it("an FFmpeg run past its time budget ends the job FAILED with a readable reason, acknowledged, not retried", async () => {
    const msg = await queuedJob();
    // A budget 1/10000 of the normal one: a few milliseconds, which no FFmpeg run meets.
    const outcome = await renderJob(deps({ budgetScale: 0.0001 }), msg, { shutdown: new AbortController().signal });
    expect(outcome).toBe("failed");
    const job = (await adapters.jobs.get(ownerId, msg.videoId))!;
    expect(job.status).toBe("FAILED");
    expect(job.error).toMatch(/^Rendering was stopped: (preparing the photos|encoding the video) took longer than the 0 s it may take\. Retry the video/);
    const outputs: string[] = [];
    for await (const o of adapters.blobs.list(keys.videoPrefix(ownerId, msg.videoId))) outputs.push(o.key);
    expect(outputs).toEqual([]);
  });

  it("renders normally within its budget", async () => {
    const msg = await queuedJob();
    expect(await renderJob(deps(), msg, { shutdown: new AbortController().signal })).toBe("ready");
    await until("READY", async () => (await adapters.jobs.get(ownerId, msg.videoId))?.status === "READY");
  });
});

describe("the per-user in-flight cap (fairness between users)", () => {
  const capped = () => deps({ fairShare: { jobs: adapters.jobs, clock: systemClock, maxPerUser: 1, staleAfterMs: 5000, maxDeferSeconds: 5 } });
  const shutdown = new AbortController().signal;
  const running = async (msg: RenderMessage, heartbeatAt: string) =>
    adapters.jobs.transition(msg.ownerId, msg.videoId, { from: ["QUEUED"], to: "RENDERING", set: { leaseId: uuidv7(), startedAt: heartbeatAt, heartbeatAt } });

  it("a render of a user already rendering is put back QUEUED, while another user's render runs", async () => {
    const owner = `heavy-${uuidv7()}`;
    // The same photos, under this owner's keys (the worker reads the checked copy).
    for (const id of photoIds) await adapters.blobs.put(keys.photoChecked(owner, id), await adapters.blobs.readRange(keys.photoChecked(ownerId, id), 0, 10_000_000), "image/jpeg");
    const first = await queuedJob(owner);
    await running(first, new Date().toISOString());
    const second = await queuedJob(owner);
    const before = await adapters.jobs.get(owner, second.videoId);
    // The running render has no ETA yet (claimed within its first heartbeat): offered again in a second.
    expect(await renderJob(capped(), second, { shutdown })).toEqual({ deferredSeconds: 1 });
    const after = await adapters.jobs.get(owner, second.videoId);
    expect(after).toMatchObject({ status: "QUEUED", startedAt: null, leaseId: null });
    expect(after!.enqueuedAt! > before!.enqueuedAt!).toBe(true);
    // Someone else's render is not held back by it.
    const other = await queuedJob();
    expect(await renderJob(capped(), other, { shutdown })).toBe("ready");
    // A render whose worker died (no heartbeat for staleAfterMs) holds no place under the cap.
    await adapters.jobs.transition(owner, first.videoId, { from: ["RENDERING"], to: "RENDERING", set: { heartbeatAt: new Date(Date.now() - 60_000).toISOString() } });
    expect(await renderJob(capped(), second, { shutdown })).toBe("ready");
  });

  it("a render put back waits as long as the user's running render expects to take, within 1 s and the most allowed", async () => {
    const owner = `eta-${uuidv7()}`;
    const first = await queuedJob(owner);
    await running(first, new Date().toISOString());
    const second = await queuedJob(owner);
    for (const [eta, wait] of [[3.2, 4], [0.2, 1], [600, 5]] as const) {
      await adapters.jobs.transition(owner, first.videoId, { from: ["RENDERING"], to: "RENDERING", set: { etaSeconds: eta, heartbeatAt: new Date().toISOString() } });
      expect(await renderJob(capped(), second, { shutdown })).toEqual({ deferredSeconds: wait });
    }
  });

  it("two renders of one user claimed at the same moment: exactly one runs, the other steps back", async () => {
    const a = await queuedJob();
    const b = await queuedJob();
    const outcomes = await Promise.all([renderJob(capped(), a, { shutdown }), renderJob(capped(), b, { shutdown })]);
    expect(outcomes.filter((o) => o === "ready")).toHaveLength(1);
    expect(outcomes.filter((o) => typeof o === "object")).toHaveLength(1);
    const jobs = await Promise.all([a, b].map((m) => adapters.jobs.get(ownerId, m.videoId)));
    expect(jobs.map((j) => j!.status).sort()).toEqual(["QUEUED", "READY"]);
  });
});
