import { createAwsAdapters, createAwsClients, credentialsOf, databaseConnection } from "@photoreel/adapters";
import { bootstrap, type Logger, type Telemetry } from "@photoreel/bootstrap";
import { composePhotoProcessor } from "@photoreel/bootstrap/photo-processor";
import type { PhotoProcessor, PhotoRepository } from "@photoreel/core";
import { createDb, photoRepository } from "@photoreel/db";

export interface Thumbnailer {
  processor: PhotoProcessor;
  photos: PhotoRepository;
  log: Logger;
  telemetry: Telemetry;
}

/** The Lambda's composition root: config (with Parameter Store on AWS), S3, a pool of 2 as the app role. */
export async function composeThumbnailer(): Promise<Thumbnailer> {
  const { config, log, telemetry } = await bootstrap("thumbnailer");
  const { blobs } = createAwsAdapters(config, createAwsClients(config, credentialsOf(config)));
  // One invocation at a time per container: two connections are plenty (DATABASE_POOL_SIZE=2 in media.yml).
  const { db } = createDb({ ...(await databaseConnection(config)), poolSize: config.DATABASE_POOL_SIZE });
  const photos = photoRepository(db);
  return { processor: composePhotoProcessor(config, { blobs, photos }), photos, log, telemetry };
}
