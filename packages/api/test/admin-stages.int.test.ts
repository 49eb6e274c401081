import { RENDER_STAGES, type StageSeconds } from "@photoreel/contracts";
import { uuidv7, type VideoJob } from "@photoreel/core";
import { startTestStack, draftSpec, type TestStack } from "../src/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ env: { ADMIN_EMAILS: "stages-ops@example.com" } });
}, 60_000);
afterAll(async () => t?.stop());

/** A READY job as the worker leaves it, written through the real job store (DynamoDB's stand-in). */
async function readyJob(ownerId: string, renderSeconds: number, stageSeconds: StageSeconds | undefined, kind: VideoJob["kind"] = "video") {
  const now = new Date().toISOString();
  const job: VideoJob = {
    ownerId, videoId: uuidv7(), kind, status: "READY", spec: draftSpec([uuidv7()]) as unknown as VideoJob["spec"], attempt: 1, progress: 100,
    etaSeconds: 0, error: null, output: null, createdAt: now, updatedAt: now, enqueuedAt: now, startedAt: now, finishedAt: now, heartbeatAt: now,
    renderSeconds, ...(stageSeconds ? { stageSeconds } : {}), cancelRequested: false, leaseId: null,
  };
  await t.app.adapters.jobs.create(job);
  return job.videoId;
}

const stages = (k: number): StageSeconds => ({ download: k, prescale: 2 * k, draw: 3 * k, encode: 4 * k, join: 5 * k, upload: 6 * k });

describe("render stages on the admin panel", () => {
  it("the admin sees p50/p90 per stage over recent READY videos and each job's stages; a normal user is FORBIDDEN", async () => {
    const owner = await t.signUp();
    // Ten videos with breakdowns (k = 1..10), one finished before the worker stored them, one preview (not counted).
    const ids: string[] = [];
    for (let k = 1; k <= 10; k++) ids.push(await readyJob(owner.user.sub, 21 * k, stages(k)));
    const legacy = await readyJob(owner.user.sub, 5, undefined);
    await readyJob(owner.user.sub, 1, stages(100), "preview");

    const ops = await t.signUp("stages-ops@example.com");
    const stats = await ops.caller.admin.renderStats();
    expect(stats.count).toBe(11);
    expect(stats.stages.map((s) => s.stage)).toEqual([...RENDER_STAGES]);
    // k = 1..10: p50 is the 5th value, p90 the 9th.
    expect(stats.stages.find((s) => s.stage === "download")).toEqual({ stage: "download", count: 10, p50: 5, p90: 9 });
    expect(stats.stages.find((s) => s.stage === "upload")).toEqual({ stage: "upload", count: 10, p50: 30, p90: 54 });

    const ready = (await ops.caller.admin.jobs({ status: "READY", limit: 100 })).items;
    expect(ready.find((j) => j.videoId === ids[2])).toMatchObject({ renderSeconds: 63, stageSeconds: stages(3) });
    expect(ready.find((j) => j.videoId === legacy)).toMatchObject({ renderSeconds: 5, stageSeconds: null });

    await expect(owner.caller.admin.renderStats()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(owner.caller.admin.jobs({ status: "READY", limit: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  }, 60_000);
});
