import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import type { RenderMessage } from "@photoreel/contracts";
import type { QueueDepth, RenderQueue } from "@photoreel/core";

const tracer = trace.getTracer("photoreel/sqs");

export interface SqsQueueUrls {
  render: string;
  preview: string;
  dlq: string;
}

/**
 * RenderQueue on SQS: previews (priority) go to their own queue so a long render never delays them; both
 * dead-letter into one DLQ after a few receives.
 */
export class SqsRenderQueue implements RenderQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: SqsQueueUrls,
  ) {}

  /**
   * The caller's trace travels with the message as a W3C `traceparent` message attribute (none when tracing is
   * off): the worker continues the same trace, so the queue wait and the render show under the user's request.
   */
  async send(message: RenderMessage, opts: { priority?: boolean; delaySeconds?: number } = {}): Promise<void> {
    const attributes = { "photoreel.video_id": message.videoId, "photoreel.attempt": message.attempt, "messaging.system": "aws_sqs" };
    await tracer.startActiveSpan(`render queue send`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
      try {
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        await this.sqs.send(
          new SendMessageCommand({
            QueueUrl: opts.priority ? this.urls.preview : this.urls.render,
            MessageBody: JSON.stringify(message),
            ...(opts.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(opts.delaySeconds))) } : {}),
            ...(carrier.traceparent
              ? { MessageAttributes: Object.fromEntries(Object.entries(carrier).map(([k, v]) => [k, { DataType: "String", StringValue: v }])) }
              : {}),
          }),
        );
      } finally {
        span.end();
      }
    });
  }

  async depth(which: "render" | "preview" | "dlq"): Promise<QueueDepth> {
    const out = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.urls[which],
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    const n = (v: string | undefined) => (v === undefined ? 0 : Number(v) || 0);
    // SQS exposes the oldest message's age only as a CloudWatch metric, not as a queue attribute.
    return {
      visible: n(out.Attributes?.ApproximateNumberOfMessages),
      inFlight: n(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
      oldestAgeSeconds: null,
    };
  }

  private async receiveDlq(max: number, hideSeconds = 30): Promise<Message[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.urls.dlq,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: 0,
        // Long enough to move the batch; if this process dies they reappear in the DLQ, nothing is lost.
        VisibilityTimeout: hideSeconds,
      }),
    );
    return out.Messages ?? [];
  }

  private async deleteFromDlq(messages: Message[]): Promise<void> {
    if (!messages.length) return;
    const out = await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.urls.dlq,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    if (out.Failed?.length) throw new Error(`could not delete ${out.Failed.length} message(s) from the DLQ: ${out.Failed[0]!.Message}`);
  }

  /**
   * Receive-send-delete rather than StartMessageMoveTask: the stand-ins lack it, and this works everywhere.
   * A crash between send and delete can duplicate a message; the worker drops stale attempts, so that is safe.
   */
  async redriveDlq(): Promise<number> {
    let moved = 0;
    // An empty receive with WaitTimeSeconds 0 can miss messages on real SQS (sampled hosts); two in a row is
    // a reasonable end condition for an operator action.
    let emptyReceives = 0;
    while (emptyReceives < 2) {
      const messages = await this.receiveDlq(10);
      if (!messages.length) {
        emptyReceives++;
        continue;
      }
      emptyReceives = 0;
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.urls.render,
          Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? "" })),
        }),
      );
      const sent = new Set((out.Successful ?? []).map((s) => s.Id));
      // Only what reached the render queue leaves the DLQ.
      await this.deleteFromDlq(messages.filter((_, i) => sent.has(String(i))));
      moved += sent.size;
      if (out.Failed?.length) throw new Error(`could not re-send ${out.Failed.length} message(s): ${out.Failed[0]!.Message}`);
    }
    return moved;
  }

  async drainDlq(max: number): Promise<{ body: string }[]> {
    const drained: { body: string }[] = [];
    while (drained.length < max) {
      const messages = await this.receiveDlq(max - drained.length);
      if (!messages.length) break;
      await this.deleteFromDlq(messages);
      drained.push(...messages.map((m) => ({ body: m.Body ?? "" })));
    }
    return drained;
  }

  /** Each received message is hidden for `hideSeconds`, so successive receives do not return it again. */
  async peekDlq(max: number, hideSeconds: number): Promise<{ body: string }[]> {
    const seen: { body: string }[] = [];
    while (seen.length < max) {
      const messages = await this.receiveDlq(max - seen.length, hideSeconds);
      if (!messages.length) break;
      seen.push(...messages.map((m) => ({ body: m.Body ?? "" })));
    }
    return seen;
  }

  async ping(): Promise<void> {
    await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.urls.render, AttributeNames: ["QueueArn"] }));
  }
}
