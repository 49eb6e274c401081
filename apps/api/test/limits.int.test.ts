import type { VideoSpecInput } from "@photoreel/contracts";
import { uuidv7, type VideoJob } from "@photoreel/core";
import { sql } from "kysely";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, trpcHttp, type TestStack } from "./harness";
import { draftSpec, uploadPhotos } from "@photoreel/api/testing";

// Limits that hold under concurrency (issue 13 §3): each test fires 50 calls at once over HTTP, as a hostile
// client would, and counts what got through. No worker runs, so admitted jobs stay QUEUED.
const LIMIT = 10;
const DAILY_SECONDS = 1000;
const AUDIO_TRACKS = 3;
let t: TestStack;
let photo: Buffer;

beforeAll(async () => {
  t = await startTestStack({
    env: { MAX_ACTIVE_JOBS: String(LIMIT), DAILY_RENDER_SECONDS: String(DAILY_SECONDS), QUOTA_AUDIO_TRACKS: String(AUDIO_TRACKS) },
  });
  photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#3050d0" } }).jpeg().toBuffer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
});

/** A signed-up user with one ready photo, and a way to call the API over HTTP as them. */
async function userWithPhoto() {
  const u = await t.signUp();
  const [photoId] = await uploadPhotos(t, u.caller, [{ name: "p.jpg", type: "image/jpeg", body: photo }]);
  const call = (path: string, input: unknown, method: "GET" | "POST" = "POST") => trpcHttp(t.baseUrl, path, input, { token: u.accessToken, method });
  return { ...u, photoId: photoId!, call };
}

const fifty = <T>(fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 50 }, (_, i) => fn(i)));
const statuses = (rs: { status: number }[]) => {
  const by: Record<number, number> = {};
  for (const r of rs) by[r.status] = (by[r.status] ?? 0) + 1;
  return by;
};
const activeJobs = async (ownerId: string) => {
  const page = await t.app.adapters.jobs.listByOwner(ownerId, { limit: 200 });
  return page.items.filter((j) => j.status === "QUEUED" || j.status === "RENDERING");
};

describe("one atomic limit on active jobs per user", () => {
  it("50 parallel videos.create: exactly the limit is admitted, the rest are told to wait", async () => {
    const u = await userWithPhoto();
    const rs = await fifty(() => u.call("videos.create", draftSpec([u.photoId])));
    expect(statuses(rs)).toEqual({ 200: LIMIT, 429: 50 - LIMIT });
    const refused = rs.find((r) => r.status === 429)!;
    expect(refused.body.error?.message).toMatch(/10 videos or previews queued or rendering.*Wait for one to finish, or cancel one/);
    expect(await activeJobs(u.user.sub)).toHaveLength(LIMIT);
  }, 60_000);

  it("50 parallel videos.preview: previews share the same limit", async () => {
    const u = await userWithPhoto();
    const rs = await fifty(() => u.call("videos.preview", draftSpec([u.photoId])));
    expect(statuses(rs)).toEqual({ 200: LIMIT, 429: 50 - LIMIT });
    // Previews and videos count together: with 10 previews queued, a video waits too.
    expect((await u.call("videos.create", draftSpec([u.photoId]))).status).toBe(429);
  }, 60_000);

  it("50 parallel videos.retry of 50 failed videos: exactly the limit is re-queued", async () => {
    const u = await userWithPhoto();
    const spec = { ...draftSpec([u.photoId]), secondsPerPhoto: 2, transitionSeconds: 0.5 } as unknown as VideoJob["spec"];
    const now = new Date().toISOString();
    const ids = await Promise.all(Array.from({ length: 50 }, async () => {
      const job: VideoJob = {
        ownerId: u.user.sub, videoId: uuidv7(), kind: "video", status: "FAILED", spec, attempt: 0, progress: 0, etaSeconds: null,
        error: "The render ran past its time budget", output: null, createdAt: now, updatedAt: now, enqueuedAt: null, startedAt: null,
        finishedAt: now, heartbeatAt: null, renderSeconds: null, cancelRequested: false, leaseId: null,
      };
      await t.app.adapters.jobs.create(job);
      return job.videoId;
    }));
    const rs = await fifty((i) => u.call("videos.retry", { id: ids[i] }));
    expect(statuses(rs)).toEqual({ 200: LIMIT, 429: 50 - LIMIT });
    expect(await activeJobs(u.user.sub)).toHaveLength(LIMIT);
  }, 60_000);

  it("50 parallel retries of one failed video re-queue it once and hold one slot", async () => {
    const u = await userWithPhoto();
    const created = await u.call("videos.create", draftSpec([u.photoId]));
    const id = (created.body.result!.data as { id: string }).id;
    await t.app.adapters.jobs.transition(u.user.sub, id, { from: ["QUEUED"], to: "FAILED", set: { error: "boom" } });
    const rs = await fifty(() => u.call("videos.retry", { id }));
    expect(statuses(rs)[200]).toBe(1);
    expect(await t.app.adapters.renderSlots.list(u.user.sub)).toHaveLength(1);
    const rest = await Promise.all(Array.from({ length: LIMIT }, () => u.call("videos.create", draftSpec([u.photoId]))));
    expect(statuses(rest)).toEqual({ 200: LIMIT - 1, 429: 1 });
  }, 60_000);

  it("a slot comes back when its job ends on any path: failed in the worker, canceled while queued, deleted", async () => {
    const u = await userWithPhoto();
    const ids: string[] = [];
    for (let i = 0; i < LIMIT; i++) ids.push(((await u.call("videos.create", draftSpec([u.photoId]))).body.result!.data as { id: string }).id);
    expect((await u.call("videos.create", draftSpec([u.photoId]))).status).toBe(429);
    // The worker (or its sweeper) ends jobs in DynamoDB only; the next admission notices.
    await t.app.adapters.jobs.transition(u.user.sub, ids[0]!, { from: ["QUEUED"], to: "RENDERING" });
    await t.app.adapters.jobs.transition(u.user.sub, ids[0]!, { from: ["RENDERING"], to: "FAILED", set: { error: "The render ran past its time budget" } });
    expect((await u.call("videos.create", draftSpec([u.photoId]))).status).toBe(200);
    expect((await u.call("videos.create", draftSpec([u.photoId]))).status).toBe(429);
    expect((await u.call("videos.cancel", { id: ids[1] })).status).toBe(200);
    expect((await u.call("videos.preview", draftSpec([u.photoId]))).status).toBe(200);
    expect((await u.call("videos.delete", { id: ids[2] })).status).toBe(200);
    expect((await u.call("videos.create", draftSpec([u.photoId]))).status).toBe(200);
    expect((await u.call("videos.create", draftSpec([u.photoId]))).status).toBe(429);
  }, 60_000);
});

describe("a daily render budget per user", () => {
  it("50 parallel creates of 200-second videos: exactly what fits in the day's budget is admitted", async () => {
    const u = await userWithPhoto();
    // 20 slides of 10 s, no transitions: 200 s of output each; 1000 s a day lets exactly 5 through.
    const long: VideoSpecInput = draftSpec(Array.from({ length: 20 }, () => u.photoId), { secondsPerPhoto: 10, transition: "none" });
    const rs = await fifty(() => u.call("videos.create", long));
    expect(statuses(rs)).toEqual({ 200: 5, 429: 45 });
    const refused = rs.filter((r) => r.status === 429).map((r) => r.body.error?.message ?? "");
    expect(refused.some((m) => /200 s long, but only 0 s of your 17 minutes of rendering today are left\. Make it shorter, or try again after midnight UTC/.test(m))).toBe(true);
    const used = await sql<{ seconds: number }>`select seconds from render_budget_days where owner_id = ${u.user.sub}`.execute(t.app.db);
    expect(used.rows[0]?.seconds).toBe(1000);
    // Nothing is left today, not even for a 2-second video; the slots of refused requests were given back.
    expect((await u.call("videos.create", draftSpec([u.photoId]))).status).toBe(429);
    expect(await t.app.adapters.renderSlots.list(u.user.sub)).toHaveLength(5);
  }, 60_000);
});

describe("render budget given back for a video that never rendered", () => {
  const usedBy = async (ownerId: string) => (await sql<{ seconds: number }>`select seconds from render_budget_days where owner_id = ${ownerId}`.execute(t.app.db)).rows[0]?.seconds;
  const id = async (r: { body: { result?: { data: unknown } } }) => (r.body.result!.data as { id: string }).id;
  /** 20 slides of 10 s: 200 s of output; five fill the day's 1000 s. */
  const longSpec = (photoId: string): VideoSpecInput => draftSpec(Array.from({ length: 20 }, () => photoId), { secondsPerPhoto: 10, transition: "none" });

  it("canceled or deleted while queued: its seconds come back once, even with 50 cancels at once; canceled midway: they stay spent", async () => {
    const u = await userWithPhoto();
    const used = () => usedBy(u.user.sub);
    const long = longSpec(u.photoId);
    const a = await id(await u.call("videos.create", long));
    const b = await id(await u.call("videos.create", long));
    expect(await used()).toBe(400);

    const cancels = await fifty(() => u.call("videos.cancel", { id: a }));
    expect(statuses(cancels)[200]).toBeGreaterThanOrEqual(1);
    expect(await used()).toBe(200);
    // A retry is a new attempt, charged again; canceled again, given back again.
    expect((await u.call("videos.retry", { id: a })).status).toBe(200);
    expect(await used()).toBe(400);
    expect((await u.call("videos.cancel", { id: a })).status).toBe(200);
    expect(await used()).toBe(200);
    expect((await u.call("videos.delete", { id: b })).status).toBe(200);
    expect(await used()).toBe(0);

    // A worker took this one: the time it rendered was spent, so the cancel gives nothing back.
    const c = await id(await u.call("videos.create", long));
    await t.app.adapters.jobs.transition(u.user.sub, c, { from: ["QUEUED"], to: "RENDERING" });
    expect((await u.call("videos.cancel", { id: c })).status).toBe(200);
    expect(await used()).toBe(200);
  }, 60_000);

  it("failed before any worker took it (dead-lettered while queued): the retry gives its seconds back once, even at the day's limit", async () => {
    const u = await userWithPhoto();
    const used = () => usedBy(u.user.sub);
    const long = longSpec(u.photoId);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await id(await u.call("videos.create", long)));
    expect(await used()).toBe(1000);
    // What the worker's sweeper does when a job's message reaches the dead-letter queue before any worker claimed it.
    const deadLetter = (videoId: string, from: "QUEUED" | "RENDERING") =>
      t.app.adapters.jobs.transition(u.user.sub, videoId, { from: [from], to: "FAILED", set: { error: "We could not render this video after several tries.", finishedAt: new Date().toISOString() } });
    await deadLetter(ids[0]!, "QUEUED");
    // The day is full, yet the retry gets in: the first attempt rendered nothing, so its 200 s do not count.
    const retries = await fifty(() => u.call("videos.retry", { id: ids[0] }));
    expect(statuses(retries)[200]).toBe(1);
    expect(await used()).toBe(1000);
    expect((await t.app.adapters.jobs.get(u.user.sub, ids[0]!))?.attempt).toBe(1);

    // Claimed by a worker first (startedAt set), then dead-lettered: that time was spent; at the limit, no retry.
    await t.app.adapters.jobs.transition(u.user.sub, ids[1]!, { from: ["QUEUED"], to: "RENDERING", set: { startedAt: new Date().toISOString() } });
    await deadLetter(ids[1]!, "RENDERING");
    expect((await u.call("videos.retry", { id: ids[1] })).status).toBe(429);
    expect(await used()).toBe(1000);
  }, 60_000);
});

describe("an audio quota counted in usage", () => {
  it("50 parallel audio.createUpload: exactly the quota is accepted, and photos.usage counts the music", async () => {
    const u = await userWithPhoto();
    const rs = await fifty((i) => u.call("audio.createUpload", { filename: `t${i}.mp3`, contentType: "audio/mpeg", bytes: 1000 + i }));
    expect(statuses(rs)).toEqual({ 200: AUDIO_TRACKS, 412: 50 - AUDIO_TRACKS });
    expect(rs.find((r) => r.status === 412)!.body.error?.message).toMatch(/You already have 3 music tracks, the most you can keep\. Delete one/);
    const usage = await u.call("photos.usage", null, "GET");
    const audio = (usage.body.result!.data as { count: number; audio: { count: number; bytes: number; quotaTracks: number } });
    expect(audio.count).toBe(1);
    expect(audio.audio).toMatchObject({ count: AUDIO_TRACKS, quotaTracks: AUDIO_TRACKS });
    expect(audio.audio.bytes).toBeGreaterThanOrEqual(3000);
  }, 60_000);
});
