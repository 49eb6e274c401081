import { ChangeMessageVisibilityCommand, type Message } from "@aws-sdk/client-sqs";
import { createAwsAdapters, createAwsClients, credentialsOf } from "@photoreel/adapters";
import type { Config } from "@photoreel/config";
import { RenderMessageSchema } from "@photoreel/contracts";
import { systemClock } from "@photoreel/core";
import type { Logger } from "pino";
import { Consumer } from "sqs-consumer";
import { renderJob, ShutdownError } from "./render-job";
import { sweep } from "./sweeper";

export interface RunningWorker {
  /** Stops polling, lets the current job finish within `graceMs`, otherwise releases it to another worker. */
  stop(graceMs: number): Promise<void>;
}

/** The worker's composition root: SQS consumers (render + priority preview queue), the sweeper, the heartbeat. */
export function startWorker(config: Config, log: Logger, opts: { onAlive?: () => void } = {}): RunningWorker {
  const clients = createAwsClients(config, credentialsOf(config));
  const { blobs, jobs, queue } = createAwsAdapters(config, clients);
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const staleAfterMs = config.RENDER_STALE_SECONDS * 1000;
  const deps = { jobs, blobs, clock: systemClock, log, workerId: String(process.pid), staleAfterMs };
  const visibility = config.RENDER_VISIBILITY_TIMEOUT;
  const handleMessage = async (message: Message): Promise<Message | undefined> => {
    const parsed = RenderMessageSchema.safeParse(parseJson(message.Body));
    if (!parsed.success) {
      // Retrying cannot fix a malformed message: log it and acknowledge.
      log.warn({ messageId: message.MessageId, issues: parsed.error.issues.slice(0, 3) }, "malformed render message acknowledged");
      return message;
    }
    const work = renderJob(deps, parsed.data, { shutdown: shutdown.signal });
    inFlight.add(work);
    try {
      await work;
      return message;
    } catch (err) {
      if (err instanceof ShutdownError) {
        // Release the message now so another worker picks the job up without waiting for the timeout.
        await clients.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: urlOf(message), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })).catch(() => {});
        return undefined;
      }
      log.error({ err, videoId: parsed.data.videoId }, "render failed; the message will be redelivered");
      throw err;
    } finally {
      inFlight.delete(work);
    }
  };

  const queueUrls = new Map<string, string>();
  const urlOf = (m: Message) => queueUrls.get(m.MessageId ?? "") ?? config.SQS_RENDER_QUEUE_URL;
  const consumer = (queueUrl: string) => {
    const c = Consumer.create({
      queueUrl,
      sqs: clients.sqs,
      batchSize: 1,
      waitTimeSeconds: 10,
      visibilityTimeout: visibility,
      // Extend visibility while rendering so a long render is never handed to a second worker.
      heartbeatInterval: Math.max(5, Math.floor(visibility / 3)),
      terminateVisibilityTimeout: 5,
      handleMessage: async (m) => {
        queueUrls.set(m.MessageId ?? "", queueUrl);
        try {
          return await handleMessage(m);
        } finally {
          queueUrls.delete(m.MessageId ?? "");
        }
      },
    });
    c.on("error", (err) => log.warn({ err: err.message }, "queue error"));
    c.on("processing_error", (err) => log.warn({ err: err.message }, "processing error"));
    return c;
  };
  // Previews have their own queue and consumer so a draft is never stuck behind full renders.
  const consumers = [
    ...Array.from({ length: config.WORKER_CONCURRENCY }, () => consumer(config.SQS_RENDER_QUEUE_URL)),
    consumer(config.SQS_PREVIEW_QUEUE_URL),
  ];
  consumers.forEach((c) => c.start());
  log.info({ concurrency: config.WORKER_CONCURRENCY }, "worker polling");

  const timers = [
    setInterval(() => opts.onAlive?.(), 10_000),
    setInterval(() => {
      sweep({ jobs, queue, clock: systemClock, log, resendAfterMs: config.RESEND_AFTER_SECONDS * 1000, staleAfterMs }).catch((err: unknown) => log.warn({ err }, "sweep failed"));
    }, config.SWEEP_INTERVAL_SECONDS * 1000),
  ];
  opts.onAlive?.();

  return {
    async stop(graceMs: number) {
      log.info({ inFlight: inFlight.size, graceMs }, "stopping: no new messages; finishing the current job");
      consumers.forEach((c) => c.stop());
      timers.forEach(clearInterval);
      const finished = Promise.allSettled([...inFlight]);
      await Promise.race([finished, new Promise((r) => setTimeout(r, graceMs).unref())]);
      if (inFlight.size) {
        log.warn("grace period over: releasing the current job to another worker");
        shutdown.abort();
        await Promise.allSettled([...inFlight]);
      }
      clients.destroy();
      log.info("worker stopped");
    },
  };
}

function parseJson(s: string | undefined): unknown {
  try {
    return JSON.parse(s ?? "");
  } catch {
    return null;
  }
}
