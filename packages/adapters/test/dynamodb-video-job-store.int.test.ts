import { randomUUID } from "node:crypto";
import { uuidv7, type VideoJob } from "@photoreel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { CorruptVideoJobError, DynamoVideoJobStore } from "../src/index";
import { backends, type Backend } from "./backends";

const spec = {
  slides: [{ photoId: randomUUID() }, { photoId: randomUUID(), seconds: 4 }],
  secondsPerPhoto: 3,
  transition: "fade",
  transitionSeconds: 0.5,
  kenBurns: false,
  fit: "cover",
  aspect: "16:9",
  resolution: "1080p",
  fps: 30,
  quality: "final",
} satisfies VideoJob["spec"];

let clockMs = Date.parse("2026-01-01T00:00:00.000Z");
const clock = { now: () => new Date(clockMs) };
const tick = (ms = 1000) => (clockMs += ms);

function job(ownerId: string, over: Partial<VideoJob> = {}): VideoJob {
  tick();
  const now = clock.now().toISOString();
  return {
    ownerId,
    videoId: uuidv7(clockMs),
    kind: "video",
    status: "QUEUED",
    spec,
    attempt: 0,
    progress: 0,
    etaSeconds: null,
    error: null,
    output: null,
    createdAt: now,
    updatedAt: now,
    enqueuedAt: now,
    startedAt: null,
    finishedAt: null,
    heartbeatAt: null,
    renderSeconds: null,
    cancelRequested: false,
    leaseId: null,
    ...over,
  };
}

describe.each(backends)("DynamoVideoJobStore on $name", ({ start }) => {
  let backend: Backend;
  let store: DynamoVideoJobStore;

  beforeAll(async () => {
    backend = await start();
    store = new DynamoVideoJobStore(backend.clients.dynamodbDoc, backend.config.DYNAMODB_TABLE, clock);
  });
  afterAll(async () => backend?.stop());

  it("answers ping", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it("creates, reads back every field, and refuses a duplicate id", async () => {
    const j = job("owner-create", {
      output: { videoKey: "v.mp4", posterKey: "p.jpg", bytes: 10, durationSeconds: 6.5, width: 1920, height: 1080 },
    });
    await store.create(j);
    expect(await store.get(j.ownerId, j.videoId)).toEqual(j);
    await expect(store.create({ ...j, status: "READY" })).rejects.toMatchObject({ name: "DomainError", code: "CONFLICT" });
    expect((await store.get(j.ownerId, j.videoId))!.status).toBe("QUEUED");
    expect(await store.get(j.ownerId, randomUUID())).toBeNull();
  });

  it("lists an owner's jobs newest first, page by page, optionally by kind", async () => {
    const owner = `owner-list-${randomUUID()}`;
    const jobs: VideoJob[] = [];
    for (let i = 0; i < 7; i++) jobs.push(job(owner, { kind: i % 3 === 0 ? "preview" : "video" }));
    for (const j of jobs) await store.create(j);
    await store.create(job("someone-else"));
    const newestFirst = [...jobs].reverse().map((j) => j.videoId);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await store.listByOwner(owner, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((j) => j.videoId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(newestFirst);
    expect(pages).toBe(3);

    const previews = jobs.filter((j) => j.kind === "preview").reverse().map((j) => j.videoId);
    const first = await store.listByOwner(owner, { limit: 2, kind: "preview" });
    expect(first.items.map((j) => j.videoId)).toEqual(previews.slice(0, 2));
    expect(first.nextCursor).not.toBeNull();
    const second = await store.listByOwner(owner, { limit: 2, kind: "preview", cursor: first.nextCursor });
    expect(second.items.map((j) => j.videoId)).toEqual(previews.slice(2));
    expect(second.nextCursor).toBeNull();

    await expect(store.listByOwner(owner, { limit: 2, cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Another owner's cursor cannot be replayed against this owner.
    const other = await store.listByOwner("someone-else", { limit: 1 });
    await expect(
      store.listByOwner(owner, { limit: 2, cursor: Buffer.from(JSON.stringify({ ownerId: "someone-else", videoId: other.items[0]!.videoId })).toString("base64url") }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("transitions only from the expected state and attempt, and fences by lease", async () => {
    const j = job("owner-transition");
    await store.create(j);

    expect(await store.transition(j.ownerId, j.videoId, { from: ["RENDERING"], to: "READY" })).toBeNull();
    expect(await store.transition(j.ownerId, j.videoId, { from: ["QUEUED"], to: "RENDERING", attempt: 5 })).toBeNull();
    expect(await store.transition(j.ownerId, "missing", { from: ["QUEUED"], to: "RENDERING" })).toBeNull();

    tick();
    const claimed = await store.transition(j.ownerId, j.videoId, {
      from: ["QUEUED"],
      to: "RENDERING",
      attempt: 0,
      leaseId: null,
      set: { attempt: 1, leaseId: "lease-a", startedAt: clock.now().toISOString(), error: null, etaSeconds: undefined },
    });
    expect(claimed).toMatchObject({ status: "RENDERING", attempt: 1, leaseId: "lease-a", updatedAt: clock.now().toISOString() });
    // A second worker cannot claim it again (no longer QUEUED, and the lease is taken).
    expect(await store.transition(j.ownerId, j.videoId, { from: ["QUEUED", "RENDERING"], to: "RENDERING", leaseId: null })).toBeNull();
    expect(await store.transition(j.ownerId, j.videoId, { from: ["RENDERING"], to: "READY", leaseId: "lease-b" })).toBeNull();

    const output = { videoKey: "v.mp4", posterKey: "p.jpg", bytes: 123, durationSeconds: 6, width: 1280, height: 720 };
    const done = await store.transition(j.ownerId, j.videoId, { from: ["RENDERING"], to: "READY", attempt: 1, leaseId: "lease-a", set: { output, progress: 1 } });
    expect(done).toMatchObject({ status: "READY", output, progress: 1 });
    expect(await store.get(j.ownerId, j.videoId)).toEqual(done);
  });

  it("lists by status oldest update first, with time bounds and pages", async () => {
    const status = "FAILED";
    const created: VideoJob[] = [];
    for (let i = 0; i < 5; i++) {
      const j = job(`owner-status-${i}`, { status });
      created.push(j);
      await store.create(j);
    }
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listByStatus(status, { limit: 2, cursor });
      all.push(...page.items.map((j) => j.videoId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toEqual(created.map((j) => j.videoId));

    const before = await store.listByStatus(status, { limit: 10, updatedBefore: created[2]!.updatedAt });
    expect(before.items.map((j) => j.videoId)).toEqual(created.slice(0, 2).map((j) => j.videoId));
    const after = await store.listByStatus(status, { limit: 10, updatedAfter: created[2]!.updatedAt });
    expect(after.items.map((j) => j.videoId)).toEqual(created.slice(3).map((j) => j.videoId));
    const between = await store.listByStatus(status, { limit: 10, updatedAfter: created[0]!.updatedAt, updatedBefore: created[4]!.updatedAt });
    expect(between.items.map((j) => j.videoId)).toEqual(created.slice(1, 4).map((j) => j.videoId));
  });

  it("records progress only under the current lease and reports cancel requests", async () => {
    const j = job("owner-progress");
    await store.create(j);
    expect(await store.updateProgress(j.ownerId, j.videoId, "lease-x", { progress: 0.1, etaSeconds: 30 })).toEqual({ ok: false, cancelRequested: false });

    await store.transition(j.ownerId, j.videoId, { from: ["QUEUED"], to: "RENDERING", set: { attempt: 1, leaseId: "lease-x" } });
    tick();
    expect(await store.updateProgress(j.ownerId, j.videoId, "lease-x", { progress: 0.5, etaSeconds: 12 })).toEqual({ ok: true, cancelRequested: false });
    expect(await store.get(j.ownerId, j.videoId)).toMatchObject({ progress: 0.5, etaSeconds: 12, heartbeatAt: clock.now().toISOString() });
    expect(await store.updateProgress(j.ownerId, j.videoId, "stale-lease", { progress: 0.6, etaSeconds: 10 })).toEqual({ ok: false, cancelRequested: false });

    const canceled = await store.requestCancel(j.ownerId, j.videoId);
    expect(canceled).toMatchObject({ status: "RENDERING", cancelRequested: true });
    expect(await store.updateProgress(j.ownerId, j.videoId, "lease-x", { progress: 0.7, etaSeconds: null })).toEqual({ ok: true, cancelRequested: true });
    expect(await store.updateProgress(j.ownerId, j.videoId, "stale-lease", { progress: 0.8, etaSeconds: null })).toEqual({ ok: false, cancelRequested: true });
    expect(await store.updateProgress(j.ownerId, "missing", "lease-x", { progress: 0.8, etaSeconds: null })).toEqual({ ok: false, cancelRequested: false });
  });

  it("cancels a queued job at once and ignores jobs that are already final", async () => {
    const queued = job("owner-cancel");
    await store.create(queued);
    const canceled = await store.requestCancel(queued.ownerId, queued.videoId);
    expect(canceled).toMatchObject({ status: "CANCELED", cancelRequested: true });
    expect(canceled!.finishedAt).not.toBeNull();
    expect(await store.requestCancel(queued.ownerId, queued.videoId)).toBeNull();
    expect(await store.requestCancel(queued.ownerId, "missing")).toBeNull();

    const ready = job("owner-cancel", { status: "READY" });
    await store.create(ready);
    expect(await store.requestCancel(ready.ownerId, ready.videoId)).toBeNull();
    expect((await store.get(ready.ownerId, ready.videoId))!.status).toBe("READY");
  });

  it("deletes (idempotently)", async () => {
    const j = job("owner-delete");
    await store.create(j);
    await store.delete(j.ownerId, j.videoId);
    await store.delete(j.ownerId, j.videoId);
    expect(await store.get(j.ownerId, j.videoId)).toBeNull();
  });

  it("keeps a READY job's stage seconds, and reads a damaged breakdown as none rather than failing the job", async () => {
    const owner = `owner-stages-${randomUUID()}`;
    const j = job(owner);
    await store.create(j);
    const stageSeconds = { download: 0.5, prescale: 1.25, draw: 4, encode: 4.5, join: 0, upload: 0.75 };
    const done = await store.transition(owner, j.videoId, { from: ["QUEUED"], to: "READY", set: { renderSeconds: 7, stageSeconds } });
    expect(done).toMatchObject({ status: "READY", renderSeconds: 7, stageSeconds });
    expect((await store.get(owner, j.videoId))!.stageSeconds).toEqual(stageSeconds);
    expect((await store.listByStatus("READY", { limit: 100 })).items.find((x) => x.videoId === j.videoId)!.stageSeconds).toEqual(stageSeconds);

    const damaged = job(owner);
    await backend.clients.dynamodbDoc.send(new PutCommand({ TableName: backend.config.DYNAMODB_TABLE, Item: { ...damaged, stageSeconds: { download: "soon" } } }));
    const read = await store.get(owner, damaged.videoId);
    expect(read).toEqual(damaged);
    expect(read!.stageSeconds).toBeUndefined();
  });

  it("keeps what admitting a job charged, moves it with a retry, and reads a damaged charge as none (no refund of a made-up amount)", async () => {
    const owner = `owner-charge-${randomUUID()}`;
    const j = { ...job(owner), budgetCharge: { day: "2026-11-30", seconds: 12.5 } };
    await store.create(j);
    expect((await store.get(owner, j.videoId))!.budgetCharge).toEqual({ day: "2026-11-30", seconds: 12.5 });
    await store.transition(owner, j.videoId, { from: ["QUEUED"], to: "CANCELED" });
    const retried = await store.transition(owner, j.videoId, { from: ["CANCELED"], to: "QUEUED", set: { attempt: 1, budgetCharge: { day: "2026-12-01", seconds: 12.5 } } });
    expect(retried!.budgetCharge).toEqual({ day: "2026-12-01", seconds: 12.5 });

    for (const bad of [{ day: "yesterday", seconds: 3 }, { day: "2026-11-30", seconds: -5 }, { day: "2026-11-30" }]) {
      const damaged = job(owner);
      await backend.clients.dynamodbDoc.send(new PutCommand({ TableName: backend.config.DYNAMODB_TABLE, Item: { ...damaged, budgetCharge: bad } }));
      const read = await store.get(owner, damaged.videoId);
      expect(read).toEqual(damaged);
      expect(read!.budgetCharge).toBeUndefined();
    }
  });

  it("validates the spec it reads back: a corrupted stored spec is a clear error on get, list and transition", async () => {
    const owner = `owner-corrupt-${randomUUID()}`;
    const good = job(owner);
    const bad = job(owner);
    await store.create(good);
    // Written behind the store's back, as a hand edit or an old bug would: a slide whose photo id is not an id.
    const item = { ...bad, spec: { ...spec, slides: [{ photoId: "not-an-id" }, ...spec.slides] } };
    await backend.clients.dynamodbDoc.send(new PutCommand({ TableName: backend.config.DYNAMODB_TABLE, Item: item }));

    const err = await store.get(owner, bad.videoId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptVideoJobError);
    expect((err as Error).message).toBe(`Stored video job ${bad.videoId} (owner ${owner}) is corrupted and cannot be read: spec.slides.0.photoId: must be a photo id`);
    await expect(store.listByOwner(owner, { limit: 10 })).rejects.toBeInstanceOf(CorruptVideoJobError);
    await expect(store.transition(owner, bad.videoId, { from: ["QUEUED"], to: "RENDERING", attempt: 0 })).rejects.toThrow(/spec\.slides\.0\.photoId/);
    expect(await store.get(owner, good.videoId)).toEqual(good);

    // No spec at all, and a status outside the enum: each named.
    const { spec: _gone, ...noSpec } = job(owner);
    await backend.clients.dynamodbDoc.send(new PutCommand({ TableName: backend.config.DYNAMODB_TABLE, Item: { ...noSpec, status: "DONE" } }));
    await expect(store.get(owner, noSpec.videoId)).rejects.toThrow(/status: .*; spec: /);
  });

  it("fills spec defaults that an older stored item lacks", async () => {
    const j = job(`owner-old-${randomUUID()}`);
    const { transition: _t, quality: _q, ...olderSpec } = spec;
    await backend.clients.dynamodbDoc.send(new PutCommand({ TableName: backend.config.DYNAMODB_TABLE, Item: { ...j, spec: olderSpec } }));
    expect((await store.get(j.ownerId, j.videoId))!.spec).toEqual(spec);
  });
});
