import { randomUUID } from "node:crypto";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, PurgeQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { RenderMessageSchema, type RenderMessage } from "@photoreel/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SqsRenderQueue } from "../src/index";
import { backends, type Backend } from "./backends";

const message = (attempt = 0): RenderMessage => ({ kind: "render", ownerId: "user-1", videoId: randomUUID(), attempt });

async function receiveAll(sqs: SQSClient, url: string, visibility = 30) {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: visibility }));
  return out.Messages ?? [];
}

/** Waits until a condition holds; the emulators update approximate counts a moment later. */
async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(backends)("SqsRenderQueue on $name", ({ name, start }) => {
  let backend: Backend;
  let queue: SqsRenderQueue;
  let sqs: SQSClient;
  let urls: { render: string; preview: string; dlq: string };

  beforeAll(async () => {
    backend = await start();
    sqs = backend.clients.sqs;
    urls = { render: backend.config.SQS_RENDER_QUEUE_URL, preview: backend.config.SQS_PREVIEW_QUEUE_URL, dlq: backend.config.SQS_DLQ_URL };
    queue = new SqsRenderQueue(sqs, urls);
  });
  afterAll(async () => backend?.stop());
  beforeEach(async () => {
    for (const url of Object.values(urls)) await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  it("answers ping", async () => {
    await expect(queue.ping()).resolves.toBeUndefined();
  });

  it("sends renders and previews to their own queues as JSON", async () => {
    const render = message();
    const preview = message();
    await queue.send(render);
    await queue.send(preview, { priority: true });

    const [fromRender] = await receiveAll(sqs, urls.render);
    const [fromPreview] = await receiveAll(sqs, urls.preview);
    expect(RenderMessageSchema.parse(JSON.parse(fromRender!.Body!))).toEqual(render);
    expect(RenderMessageSchema.parse(JSON.parse(fromPreview!.Body!))).toEqual(preview);
  });

  it("reports visible and in-flight depth", async () => {
    await queue.send(message());
    await queue.send(message());
    await queue.send(message());
    expect(await eventually(() => queue.depth("render"), (d) => d.visible === 3)).toEqual({ visible: 3, inFlight: 0, oldestAgeSeconds: null });

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls.render, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }));
    expect(received.Messages).toHaveLength(1);
    expect(await eventually(() => queue.depth("render"), (d) => d.inFlight === 1)).toEqual({ visible: 2, inFlight: 1, oldestAgeSeconds: null });
    expect(await queue.depth("preview")).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it("dead-letters a message after 3 receives, then redrives it to the render queue", async () => {
    const m = message(2);
    await queue.send(m);
    // Three failed deliveries (visibility expires immediately instead of the queue's 60 s).
    for (let i = 0; i < 3; i++) {
      const [got] = await eventually(() => receiveAll(sqs, urls.render, 1), (ms) => ms.length > 0);
      expect(got, `delivery ${i + 1}`).toBeDefined();
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: urls.render, ReceiptHandle: got!.ReceiptHandle!, VisibilityTimeout: 0 }));
    }
    // The 4th receive attempt moves it to the DLQ instead of delivering it.
    const fourth = await receiveAll(sqs, urls.render, 1);
    expect(fourth).toHaveLength(0);
    expect(await eventually(() => queue.depth("dlq"), (d) => d.visible === 1)).toMatchObject({ visible: 1 });

    expect(await queue.redriveDlq()).toBe(1);
    expect(await eventually(() => queue.depth("dlq"), (d) => d.visible + d.inFlight === 0)).toMatchObject({ visible: 0, inFlight: 0 });
    const [back] = await receiveAll(sqs, urls.render);
    expect(JSON.parse(back!.Body!)).toEqual(m);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: urls.render, ReceiptHandle: back!.ReceiptHandle! }));
  });

  it("peeks without removing and drains up to a maximum", async () => {
    // Put three messages on the DLQ directly (as if dead-lettered).
    const dlqQueue = new SqsRenderQueue(sqs, { ...urls, render: urls.dlq });
    const sent = [message(), message(), message()];
    for (const m of sent) await dlqQueue.send(m);

    const peeked = await queue.peekDlq(10, 1);
    expect(peeked.map((p) => JSON.parse(p.body).videoId).sort()).toEqual(sent.map((m) => m.videoId).sort());
    // Still there once the peek's visibility (1 s) lapses.
    await new Promise((r) => setTimeout(r, 1200));
    if (name === "moto") {
      expect(await eventually(() => queue.depth("dlq"), (d) => d.visible === 3)).toMatchObject({ visible: 3, inFlight: 0 });
    } // fauxqs returns expired in-flight messages to "visible" only on the next receive; its counts lag until then.

    const drained = await queue.drainDlq(2);
    expect(drained).toHaveLength(2);
    const rest = await eventually(() => queue.drainDlq(10), (r) => r.length > 0);
    expect(rest).toHaveLength(1);
    expect([...drained, ...rest].map((d) => JSON.parse(d.body).videoId).sort()).toEqual(sent.map((m) => m.videoId).sort());
    expect(await queue.drainDlq(10)).toEqual([]);
  });
});
