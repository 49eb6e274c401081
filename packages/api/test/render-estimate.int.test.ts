import { randomUUID } from "node:crypto";
import { VideoSpecSchema, type VideoSpec } from "@photoreel/contracts";
import { limitsFromConfig } from "@photoreel/bootstrap/services";
import { createVideoService, ESTIMATE_RECENT_JOBS, systemClock, type VideoJob } from "@photoreel/core";
import { renderWork } from "@photoreel/render/policy";
import { draftSpec, startTestStack, type TestStack } from "../src/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The composer's render-time estimate (issue 17): one bounded read of recent renders, kept a minute per process, and
// scaled by what drives render cost. Finished jobs are written straight into the job store (DynamoDB's stand-in)
// with known timings, so the numbers are exact; apps/api/test/video-edit.int.test.ts covers real renders.
let t: TestStack;
let alice: Awaited<ReturnType<TestStack["signUp"]>>;
let bob: Awaited<ReturnType<TestStack["signUp"]>>;

beforeAll(async () => {
  t = await startTestStack();
  [alice, bob] = [await t.signUp(), await t.signUp()];
}, 90_000);
afterAll(async () => {
  await t?.stop();
});

const photoIds = Array.from({ length: 6 }, () => randomUUID());
const spec = (over: Parameters<typeof draftSpec>[1] = {}): VideoSpec => VideoSpecSchema.parse(draftSpec(photoIds, { aspect: "16:9", resolution: "1080p", fps: 30, ...over }));

/** A READY video finished `agoSeconds` ago that took `perWork` seconds per unit of its spec's render work. */
let made = 0;
async function finished(s: VideoSpec, perWork: number, agoSeconds: number, kind: VideoJob["kind"] = "video") {
  const at = new Date(Date.now() - agoSeconds * 1000).toISOString();
  await t.app.adapters.jobs.create({
    ownerId: randomUUID(), videoId: randomUUID(), kind, status: "READY", spec: s, attempt: 0, progress: 1, etaSeconds: null, error: null,
    output: { videoKey: `v${made}`, posterKey: `p${made++}`, bytes: 1, durationSeconds: 10, width: 1920, height: 1080 },
    createdAt: at, updatedAt: at, enqueuedAt: at, startedAt: at, finishedAt: at, heartbeatAt: null,
    renderSeconds: perWork * renderWork(s), cancelRequested: false, leaseId: null,
  });
}

describe("render-time estimate", () => {
  it("scales by output pixels x frames and Ken Burns: 2160p and Ken Burns specs are expected to take longer than the same 1080p held still", async () => {
    // Past renders of different sizes and looks, each at 0.5 s per unit of work: normalised, they agree exactly.
    await finished(spec({ resolution: "720p" }), 0.5, 300);
    await finished(spec({ resolution: "2160p", kenBurns: true }), 0.5, 290);
    await finished(spec({ resolution: "1080p", fps: 24 }), 0.5, 280);
    const est = await bob.caller.videos.renderTimeEstimate();
    expect(est).toEqual({ count: 3, p50: 0.5, p90: 0.5 });

    // What the composer shows: the rate times its own spec's work.
    const seconds = (s: VideoSpec) => est!.p50 * renderWork(s);
    const plain = seconds(spec());
    expect(plain).toBeCloseTo(0.5 * (6 * 2 - 5 * 0.5), 6);
    expect(seconds(spec({ resolution: "2160p" })) / plain).toBeCloseTo(4, 6);
    expect(seconds(spec({ kenBurns: true })) / plain).toBeGreaterThan(2);
    expect(seconds(spec({ resolution: "720p" }))).toBeLessThan(plain);
  });

  it("reads only the newest renders, is the same for every signed-in user, and is kept for a minute", async () => {
    // Older than the newest ESTIMATE_RECENT_JOBS: slow renders that must not count.
    for (let i = 0; i < 10; i++) await finished(spec(), 50, 200 + i);
    // The newest: previews (never counted) among videos at 1 s per unit of work.
    for (let i = 0; i < ESTIMATE_RECENT_JOBS; i++) await finished(spec(), 1, 100 - i * 0.5, i % 4 === 0 ? "preview" : "video");
    // The cached answer (from the test above) stands for its minute: a new fast render does not move it yet.
    expect(await alice.caller.videos.renderTimeEstimate()).toEqual({ count: 3, p50: 0.5, p90: 0.5 });
  });

  it("once the minute is over, the newest page alone decides: the slow older renders are beyond it", async () => {
    // A new service over the same store is a process starting afresh (no cache).
    const fresh = createVideoService({ ...t.app.adapters, limits: limitsFromConfig(t.config), clock: systemClock, publicUrl: t.config.PUBLIC_URL, autoConfirmSignUp: true });
    const est = await fresh.renderTimeEstimate();
    expect(est).toEqual({ count: ESTIMATE_RECENT_JOBS * 0.75, p50: 1, p90: 1 });
  });
});
