import { createAwsAdapters, createAwsClients, credentialsOf, loadRemoteConfig } from "@photoreel/adapters";
import { loadConfig } from "@photoreel/config";
import { createPhotoProcessor, type PhotoProcessor } from "@photoreel/core";
import { createDb, photoRepository } from "@photoreel/db";
import { createPhotoDecoder } from "@photoreel/images";
import type { S3Event } from "aws-lambda";
import { pino } from "pino";
import { handleS3Event } from "./handler";

const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { app: "thumbnailer" } });

// Built once per Lambda container and reused across invocations (pool of 2: one invocation at a time).
let processor: Promise<PhotoProcessor> | null = null;

async function compose(): Promise<PhotoProcessor> {
  let config = loadConfig();
  if (config.STACK === "aws") config = loadConfig({ ...process.env, ...(await loadRemoteConfig(config, process.env)) });
  const clients = createAwsClients(config, credentialsOf(config));
  const { blobs } = createAwsAdapters(config, clients);
  const { db } = createDb({ url: config.DATABASE_URL, poolSize: 2 });
  return createPhotoProcessor({
    blobs,
    photos: photoRepository(db),
    decoder: createPhotoDecoder({ maxInputPixels: config.MAX_INPUT_PIXELS, timeoutSeconds: 30, maxBytes: config.MAX_UPLOAD_BYTES }),
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
  });
}

export async function handler(event: S3Event) {
  processor ??= compose();
  return handleS3Event(event, await processor, log);
}
