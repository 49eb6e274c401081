import type { Clock, VideoJob, VideoJobStore } from "@photoreel/core";

/**
 * A per-user cap on full renders in flight across all workers, so one user's long backlog cannot hold every
 * worker while other users wait. Chosen over SQS fair queues (MessageGroupId on a standard queue): the embedded
 * queue ignores message groups on standard queues, so fairness could be neither run nor measured locally, and
 * fair queues only reorder deliveries while this bounds what one user holds. A worker that receives a render of
 * a user at the cap puts the message back with a delay (a fresh message, so the DLQ's receive count is not spent)
 * and takes the next one. Previews are not capped: they have their own queue and consumer.
 */
export interface FairShare {
  jobs: VideoJobStore;
  clock: Clock;
  /** Renders of one user at once; 0 turns the cap off. */
  maxPerUser: number;
  /** A RENDERING job without a heartbeat this recent is a dead worker's: it holds no place under the cap. */
  staleAfterMs: number;
}

export const capApplies = (f: FairShare | undefined, job: VideoJob): f is FairShare => !!f && f.maxPerUser > 0 && job.kind === "video";

/** The owner's other full renders that are running now (a live heartbeat). */
async function othersRunning(f: FairShare, job: VideoJob): Promise<VideoJob[]> {
  const now = f.clock.now().getTime();
  return (await f.jobs.listRendering(job.ownerId)).filter(
    (j) => j.kind === "video" && j.videoId !== job.videoId && j.heartbeatAt !== null && now - Date.parse(j.heartbeatAt) < f.staleAfterMs,
  );
}

/** Before claiming: the owner already has `maxPerUser` renders running. */
export async function atCap(f: FairShare, job: VideoJob): Promise<boolean> {
  return (await othersRunning(f, job)).length >= f.maxPerUser;
}

/**
 * After claiming: two workers can claim renders of one user at the same moment, each having seen the other not
 * yet running. Claims are ranked by (startedAt, leaseId); a claim with `maxPerUser` others ranked ahead of it
 * steps back. Each claim reads after its own write, so of two racing claims at least the later sees both.
 */
export async function behindCap(f: FairShare, claimed: VideoJob): Promise<boolean> {
  const rank = (j: VideoJob) => `${j.startedAt ?? ""}|${j.leaseId ?? ""}`;
  const mine = rank(claimed);
  return (await othersRunning(f, claimed)).filter((j) => rank(j) < mine).length >= f.maxPerUser;
}
