import { ChangeMessageVisibilityCommand, type Message } from "@aws-sdk/client-sqs";
import { propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { consumerSpan } from "@photoreel/bootstrap";
import { RenderMessageSchema, type RenderMessage } from "@photoreel/contracts";
import { Consumer } from "sqs-consumer";
import type { WorkerDeps } from "./compose";
import { renderJob, ShutdownError } from "./render-job";
import { sweep } from "./sweeper";
import { createTaskProtection } from "./task-protection";

export interface RunningWorker {
  /**
   * Stops polling, lets the current job finish within `graceMs`, otherwise releases it to another worker; returns
   * once each consumer's last long poll has answered (anything it brought is put straight back).
   */
  stop(graceMs: number): Promise<void>;
}

/** Long-poll wait of each receive: a stopping worker may wait this long for its last poll to answer. */
export const RECEIVE_WAIT_SECONDS = 10;

/** The worker's loop: SQS consumers (render + priority preview queue), the sweeper, the heartbeat. */
export function startWorker(w: WorkerDeps, opts: { onAlive?: () => void } = {}): RunningWorker {
  const { config, log, sqs, blobs, jobs, queue, clock } = w;
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const staleAfterMs = config.RENDER_STALE_SECONDS * 1000;
  // The same bounds the thumbnailer decodes under (30 s there per pipeline; a render's pre-scale gets 60 s a photo).
  const photoLimits = { maxInputPixels: config.MAX_INPUT_PIXELS, maxBytes: config.MAX_UPLOAD_BYTES, timeoutSeconds: 60 };
  const fairShare = { jobs, clock, maxPerUser: config.RENDER_MAX_PER_USER, staleAfterMs, maxDeferSeconds: config.RENDER_DEFER_SECONDS };
  const deps = { jobs, blobs, clock, log, workerId: w.workerId, staleAfterMs, budgetScale: config.RENDER_TIME_BUDGET_SCALE, photoLimits, fairShare };
  const visibility = config.RENDER_VISIBILITY_TIMEOUT;
  const protection = createTaskProtection({ agentUri: config.ECS_AGENT_URI, log, expiresInMinutes: config.TASK_PROTECTION_MINUTES });
  /** Makes a received message visible again at once, for another worker. */
  const release = (message: Message) =>
    sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: urlOf(message), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })).catch(() => {});
  let stopping = false;
  const handleMessage = async (message: Message): Promise<Message | undefined> => {
    if (stopping) {
      // The last long poll of a stopping worker brought it: straight back, not left to its visibility timeout.
      await release(message);
      return undefined;
    }
    const parsed = RenderMessageSchema.safeParse(parseJson(message.Body));
    if (!parsed.success) {
      // Retrying cannot fix a malformed message: log it and acknowledge.
      log.warn({ messageId: message.MessageId, issues: parsed.error.issues.slice(0, 3) }, "malformed render message acknowledged");
      return message;
    }
    protection.acquire(); // no scale-in or deploy stops this task while it holds the job
    const work = tracedJob(message, parsed.data, () => renderJob(deps, parsed.data, { shutdown: shutdown.signal }));
    inFlight.add(work);
    try {
      // Put back behind other users' renders: a fresh delayed message, then this one is acknowledged.
      const outcome = await work;
      if (typeof outcome === "object") await queue.send(parsed.data, { delaySeconds: outcome.deferredSeconds });
      return message;
    } catch (err) {
      if (err instanceof ShutdownError) {
        // Release the message now so another worker picks the job up without waiting for the timeout.
        await release(message);
        return undefined;
      }
      log.error({ err, videoId: parsed.data.videoId }, "render failed; the message will be redelivered");
      throw err;
    } finally {
      inFlight.delete(work);
      protection.release();
    }
  };

  const queueUrls = new Map<string, string>();
  const urlOf = (m: Message) => queueUrls.get(m.MessageId ?? "") ?? config.SQS_RENDER_QUEUE_URL;
  const consumer = (queueUrl: string) => {
    const c = Consumer.create({
      queueUrl,
      sqs,
      batchSize: 1,
      waitTimeSeconds: RECEIVE_WAIT_SECONDS,
      // stop() waits for the poll in progress: SQS hands the next message to an open long poll even after its
      // client has gone, and that message would then sit out its visibility timeout.
      pollingCompleteWaitTimeMs: (RECEIVE_WAIT_SECONDS + 5) * 1000,
      visibilityTimeout: visibility,
      // Extend visibility while rendering so a long render is never handed to a second worker.
      heartbeatInterval: Math.max(5, Math.floor(visibility / 3)),
      terminateVisibilityTimeout: 5,
      // The sender's trace (W3C traceparent) and the send time, which the queue-wait span starts at.
      messageAttributeNames: ["traceparent", "tracestate"],
      messageSystemAttributeNames: ["SentTimestamp"],
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
      sweep({ jobs, queue, clock, log, resendAfterMs: config.RESEND_AFTER_SECONDS * 1000, staleAfterMs }).catch((err: unknown) => log.warn({ err }, "sweep failed"));
    }, config.SWEEP_INTERVAL_SECONDS * 1000),
  ];
  opts.onAlive?.();

  return {
    async stop(graceMs: number) {
      log.info({ inFlight: inFlight.size, graceMs }, "stopping: no new messages; finishing the current job");
      stopping = true;
      const polled = Promise.all(consumers.map((c) => new Promise((r) => c.once("stopped", r))));
      consumers.forEach((c) => c.stop({ abort: !config.WORKER_STOP_WAITS_FOR_POLL }));
      timers.forEach(clearInterval);
      const finished = Promise.allSettled([...inFlight]);
      await Promise.race([finished, new Promise((r) => setTimeout(r, graceMs).unref())]);
      if (inFlight.size) {
        log.warn("grace period over: releasing the current job to another worker");
        shutdown.abort();
        await Promise.allSettled([...inFlight]);
      }
      await polled;
      w.close();
      log.info("worker stopped");
    },
  };
}

const tracer = trace.getTracer("photoreel/worker");

/**
 * The job's span, a child of the sender's (the API request that queued it; a new trace when the message carries
 * none), with a "queue wait" span before it from the message's SentTimestamp to now.
 */
async function tracedJob<T>(message: Message, msg: RenderMessage, run: () => Promise<T>): Promise<T> {
  const carrier = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([k, v]) => (v.StringValue ? [[k, v.StringValue]] : [])),
  );
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  const attributes = { "photoreel.video_id": msg.videoId, "photoreel.attempt": msg.attempt, "messaging.message.id": message.MessageId ?? "" };
  const sent = Number(message.Attributes?.SentTimestamp);
  if (Number.isFinite(sent) && sent > 0) {
    tracer.startSpan("queue wait", { kind: SpanKind.CONSUMER, startTime: sent, attributes }, parent).end();
  }
  return consumerSpan(tracer, "render job", attributes, run, parent);
}

function parseJson(s: string | undefined): unknown {
  try {
    return JSON.parse(s ?? "");
  } catch {
    return null;
  }
}
