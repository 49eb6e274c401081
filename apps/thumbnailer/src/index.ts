import type { S3Event } from "aws-lambda";
import { composeThumbnailer, type Thumbnailer } from "./compose";
import { handleBackfillEvent, handleS3Event, type BackfillEvent } from "./handler";

// Built once per Lambda container and reused across invocations; a failed start is retried on the next one.
let composed: Promise<Thumbnailer> | null = null;

export async function handler(event: S3Event | BackfillEvent) {
  composed ??= composeThumbnailer().catch((err: unknown) => {
    composed = null;
    throw err;
  });
  const { processor, photos, log, telemetry } = await composed;
  try {
    if ("backfill" in event) return await handleBackfillEvent(event, processor, photos, log);
    return await handleS3Event(event, processor, log);
  } finally {
    // The container may freeze once this returns: the invocation's spans leave now.
    await telemetry.flush().catch((err: unknown) => log.warn({ err }, "trace export failed"));
  }
}
