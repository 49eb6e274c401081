import { RenderMessageSchema } from "@photoreel/contracts";
import type { Clock, RenderQueue, VideoJobStore } from "@photoreel/core";
import type { Logger } from "pino";

export interface SweeperDeps {
  jobs: VideoJobStore;
  queue: RenderQueue;
  clock: Clock;
  log: Logger;
  /** A QUEUED job whose last send is older than this gets its message sent again. */
  resendAfterMs: number;
  staleAfterMs: number;
}

const DEAD_LETTER_MESSAGE = "We could not render this video after several tries. Retry it; if it fails again, contact support.";

/**
 * Keeps jobs moving when messages go missing: marks jobs whose message reached the DLQ as FAILED, re-sends QUEUED
 * jobs with no message in flight (a send failed after the write, or the embedded queue restarted), and re-queues
 * RENDERING jobs whose worker stopped sending heartbeats. Re-sent duplicates are harmless: claims are conditional.
 */
export async function sweep(d: SweeperDeps): Promise<{ deadLettered: number; resent: number; recovered: number }> {
  const now = d.clock.now();
  let deadLettered = 0;
  for (const m of await d.queue.peekDlq(10, 60)) {
    const parsed = RenderMessageSchema.safeParse(safeJson(m.body));
    if (!parsed.success) continue;
    const { ownerId, videoId, attempt } = parsed.data;
    const failed = await d.jobs.transition(ownerId, videoId, {
      from: ["QUEUED", "RENDERING"], to: "FAILED", attempt,
      set: { error: DEAD_LETTER_MESSAGE, finishedAt: now.toISOString(), leaseId: null },
    });
    if (failed) deadLettered++;
  }

  let resent = 0;
  const before = new Date(now.getTime() - d.resendAfterMs).toISOString();
  const queued = await d.jobs.listByStatus("QUEUED", { limit: 100, updatedBefore: before });
  for (const j of queued.items) {
    if (j.enqueuedAt && j.enqueuedAt > before) continue;
    await d.queue.send({ kind: "render", ownerId: j.ownerId, videoId: j.videoId, attempt: j.attempt }, { priority: j.kind === "preview" });
    await d.jobs.transition(j.ownerId, j.videoId, { from: ["QUEUED"], to: "QUEUED", attempt: j.attempt, set: { enqueuedAt: now.toISOString() } });
    resent++;
  }

  let recovered = 0;
  const staleBefore = new Date(now.getTime() - d.staleAfterMs).toISOString();
  const rendering = await d.jobs.listByStatus("RENDERING", { limit: 100, updatedBefore: staleBefore });
  for (const j of rendering.items) {
    if (j.heartbeatAt && j.heartbeatAt > staleBefore) continue;
    const back = await d.jobs.transition(j.ownerId, j.videoId, {
      from: ["RENDERING"], to: "QUEUED", attempt: j.attempt, leaseId: j.leaseId,
      set: { leaseId: null, heartbeatAt: null, progress: 0, etaSeconds: null, enqueuedAt: now.toISOString() },
    });
    if (!back) continue;
    await d.queue.send({ kind: "render", ownerId: j.ownerId, videoId: j.videoId, attempt: j.attempt }, { priority: j.kind === "preview" });
    recovered++;
  }
  if (deadLettered || resent || recovered) d.log.info({ deadLettered, resent, recovered }, "sweeper");
  return { deadLettered, resent, recovered };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
