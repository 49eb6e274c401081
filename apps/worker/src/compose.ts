import type { SQSClient } from "@aws-sdk/client-sqs";
import { createAwsAdapters, createAwsClients, credentialsOf } from "@photoreel/adapters";
import type { Config } from "@photoreel/config";
import { systemClock, type BlobStore, type Clock, type RenderQueue, type VideoJobStore } from "@photoreel/core";
import { checkFfmpeg, useFfmpeg } from "@photoreel/render";
import type { Logger } from "pino";

/** Everything the worker's loop needs, built once from config. */
export interface WorkerDeps {
  config: Config;
  log: Logger;
  /** The consumers poll and release messages with it. */
  sqs: SQSClient;
  blobs: BlobStore;
  jobs: VideoJobStore;
  queue: RenderQueue;
  clock: Clock;
  workerId: string;
  close(): void;
}

/**
 * The worker's composition root: FFmpeg checked (a broken image, without libx264 or drawtext, stops here saying
 * what is missing, before it takes a job), then the SDK clients and the adapters.
 */
export async function composeWorker(config: Config, log: Logger): Promise<WorkerDeps> {
  useFfmpeg({ ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH });
  await checkFfmpeg();
  const clients = createAwsClients(config, credentialsOf(config));
  const { blobs, jobs, queue } = createAwsAdapters(config, clients);
  return {
    config,
    log,
    sqs: clients.sqs,
    blobs,
    jobs,
    queue,
    clock: systemClock,
    workerId: config.WORKER_ID ?? String(process.pid),
    close: () => clients.destroy(),
  };
}
