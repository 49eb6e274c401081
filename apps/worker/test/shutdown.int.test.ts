import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { createAwsClients, credentialsOf } from "@photoreel/adapters";
import { loadConfig, type Config } from "@photoreel/config";
import { startLocalStack, type LocalStack } from "@photoreel/local-stack";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { composeWorker } from "../src/compose";
import { RECEIVE_WAIT_SECONDS, startWorker } from "../src/worker";

let stack: LocalStack;
let dataDir: string;
let config: Config;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "worker-shutdown-test-"));
  stack = await startLocalStack({ dataDir, webOrigin: "http://127.0.0.1", ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 }, inMemory: true });
  config = loadConfig({ ...process.env, ...stack.env });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// SQS (and its stand-in) hands a message to a long poll that is still open even when the client that opened it has
// gone; the message then sits out its visibility timeout (a minute) before another worker can take it. This is what
// every scale-in and deploy did to the next render queued while a worker stopped.
it("a stopping worker waits for its last long poll and puts back what it brought, so the next worker gets it at once", async () => {
  const worker = startWorker(await composeWorker(config, pino({ level: "silent" })));
  await new Promise((r) => setTimeout(r, 500)); // its consumers are in their first long poll
  const t0 = Date.now();
  const stopped = worker.stop(0);
  await new Promise((r) => setTimeout(r, 300));
  const clients = createAwsClients(config, credentialsOf(config));
  try {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: config.SQS_RENDER_QUEUE_URL, MessageBody: JSON.stringify({ probe: "sent while the worker stops" }) }));
    await stopped;
    expect(Date.now() - t0).toBeLessThan((RECEIVE_WAIT_SECONDS + 5) * 1000);
    // Another worker's receive finds it at once, not a visibility timeout later.
    const got = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: config.SQS_RENDER_QUEUE_URL, WaitTimeSeconds: 3, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual([JSON.stringify({ probe: "sent while the worker stops" })]);
  } finally {
    clients.destroy();
  }
}, 60_000);

// The embedded start's workers: their queue is in memory in the API process that stops with them, so there is nothing
// to put back, and waiting out the poll only made Ctrl-C on `pnpm start` take 10 s.
it("with WORKER_STOP_WAITS_FOR_POLL off, a stopping worker abandons its long poll instead of waiting it out", async () => {
  const worker = startWorker(await composeWorker({ ...config, WORKER_STOP_WAITS_FOR_POLL: false }, pino({ level: "silent" })));
  await new Promise((r) => setTimeout(r, 500)); // its consumers are in their first long poll
  const t0 = Date.now();
  await worker.stop(0);
  // sqs-consumer checks for the aborted poll once a second; waiting it out would take RECEIVE_WAIT_SECONDS.
  expect(Date.now() - t0).toBeLessThan((RECEIVE_WAIT_SECONDS / 2) * 1000);
}, 60_000);
