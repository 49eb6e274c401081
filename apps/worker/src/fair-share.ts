import type { Clock, VideoJob, VideoJobStore } from "@photoreel/core";

/**
 * A per-user cap on full renders in flight across all workers, so one user's long backlog cannot hold every
 * worker while other users wait. Chosen over SQS fair queues (MessageGroupId on a standard queue): the embedded
 * queue ignores message groups on standard queues, so fairness could be neither run nor measured locally, and
 * fair queues only reorder deliveries while this bounds what one user holds. A worker that receives a render of
 * a user at the cap puts the message back with a delay (a fresh message, so the DLQ's receive count is not spent)
 * and takes the next one; the delay is how soon the user's running render expects to end (deferSeconds). Previews
 * are not capped: they have their own queue and consumer.
 */
export interface FairShare {
  jobs: VideoJobStore;
  clock: Clock;
  /** Renders of one user at once; 0 turns the cap off. */
  maxPerUser: number;
  /** A RENDERING job without a heartbeat this recent is a dead worker's: it holds no place under the cap. */
  staleAfterMs: number;
  /** The longest a render put back under the cap waits before it is offered again. */
  maxDeferSeconds: number;
}

/** The cap is on (a limit above 0) and counts this job (a full render, not a preview). */
const capApplies = (f: FairShare | undefined, job: VideoJob): f is FairShare => !!f && f.maxPerUser > 0 && job.kind === "video";

/** The owner's other full renders that are running now (a live heartbeat). */
async function othersRunning(f: FairShare, job: VideoJob): Promise<VideoJob[]> {
  const now = f.clock.now().getTime();
  return (await f.jobs.listRendering(job.ownerId)).filter(
    (j) => j.kind === "video" && j.videoId !== job.videoId && j.heartbeatAt !== null && now - Date.parse(j.heartbeatAt) < f.staleAfterMs,
  );
}

/**
 * How long a render put back under the cap waits: until the first of the owner's running renders expects to end
 * (its heartbeat's ETA, rounded up), at least 1 s and at most `maxDeferSeconds`. One that has no ETA yet was
 * claimed within the last heartbeat: 1 s. A fixed 5 s left the workers idle between short renders (bench/pipeline:
 * 47 videos a minute against 102 with the wait sized to the running render).
 */
function deferSeconds(f: FairShare, running: VideoJob[]): number {
  const soonest = Math.min(...running.map((j) => j.etaSeconds ?? 0));
  return Math.min(f.maxDeferSeconds, Math.max(1, Math.ceil(soonest)));
}

/** Before claiming: when the owner already has `maxPerUser` renders running, how long to put this one back for (else null). */
export async function capWait(f: FairShare | undefined, job: VideoJob): Promise<number | null> {
  if (!capApplies(f, job)) return null;
  const running = await othersRunning(f, job);
  return running.length >= f.maxPerUser ? deferSeconds(f, running) : null;
}

/**
 * After claiming: two workers can claim renders of one user at the same moment, each having seen the other not
 * yet running. Claims are ranked by (startedAt, leaseId); a claim with `maxPerUser` others ranked ahead of it
 * steps back. Each claim reads after its own write, so of two racing claims at least the later sees both.
 */
export async function behindCap(f: FairShare | undefined, claimed: VideoJob): Promise<number | null> {
  if (!capApplies(f, claimed)) return null;
  const rank = (j: VideoJob) => `${j.startedAt ?? ""}|${j.leaseId ?? ""}`;
  const mine = rank(claimed);
  const ahead = (await othersRunning(f, claimed)).filter((j) => rank(j) < mine);
  return ahead.length >= f.maxPerUser ? deferSeconds(f, ahead) : null;
}
