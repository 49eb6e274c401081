import type { Config } from "@photoreel/config";
import { createAwsAdapters, createAwsClients, credentialsOf, createCognitoTokenVerifier } from "@photoreel/adapters";
import { createServices, systemClock, type PhotoProcessingTrigger, type Services, type TokenVerifier } from "@photoreel/core";
import { audioRepository, createDb, migrateToLatest, pgRateLimiter, photoRepository, shareRepository, userRepository, type Db } from "@photoreel/db";
import { sql } from "kysely";
import type { Logger } from "pino";
import { createLocalPhotoProcessing, type LocalPhotoProcessing } from "./local-photo-processing";

export interface ApiApp {
  config: Config;
  services: Services;
  verifier: TokenVerifier;
  db: Db;
  /** Embedded stack only: photos processed in this process (the Lambda's job on AWS). */
  localProcessing: LocalPhotoProcessing | null;
  readiness(): Promise<Record<string, "ok" | string>>;
  close(): Promise<void>;
}

/** The API's composition root: the only place that reads config and builds SDK clients and pools. */
export async function composeApi(config: Config, log: Logger): Promise<ApiApp> {
  const { db, pool } = createDb({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  await migrateToLatest(db);
  const clients = createAwsClients(config, credentialsOf(config));
  const aws = createAwsAdapters(config, clients);
  const photos = photoRepository(db);

  let localProcessing: LocalPhotoProcessing | null = null;
  let processing: PhotoProcessingTrigger = { photoUploaded: () => {} };
  if (config.STACK === "embedded") {
    localProcessing = await createLocalPhotoProcessing({ blobs: aws.blobs, photos, config, log });
    processing = localProcessing;
  }

  const services = createServices({
    ...aws,
    users: userRepository(db),
    photos,
    audio: audioRepository(db),
    shares: shareRepository(db),
    rateLimiter: pgRateLimiter(db),
    processing,
    limits: {
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      maxAudioBytes: config.MAX_AUDIO_BYTES,
      quotaPhotos: config.QUOTA_PHOTOS,
      quotaBytes: config.QUOTA_BYTES,
    },
    clock: systemClock,
    publicUrl: config.PUBLIC_URL,
    autoConfirmSignUp: config.STACK === "embedded",
    adminEmails: config.ADMIN_EMAILS,
    rateLimits: {
      signUpPerIp: config.RATE_LIMIT_SIGNUP_PER_IP,
      signInPerIp: config.RATE_LIMIT_SIGNIN_PER_IP,
      signInPerAccount: config.RATE_LIMIT_SIGNIN_PER_ACCOUNT,
    },
  });
  const verifier = await createCognitoTokenVerifier({
    userPoolId: config.COGNITO_USER_POOL_ID,
    clientId: config.COGNITO_CLIENT_ID,
    ...(config.STACK === "embedded" && config.COGNITO_JWKS_URL ? { jwksUrl: config.COGNITO_JWKS_URL } : {}),
  });

  const check = async (fn: () => Promise<unknown>) => {
    try {
      await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error("timed out after 2 s")), 2000))]);
      return "ok" as const;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };

  return {
    config,
    services,
    verifier,
    db,
    localProcessing,
    readiness: async () => {
      const [database, bucket, queue, table] = await Promise.all([
        check(() => sql`select 1`.execute(db)),
        check(() => aws.blobs.ping()),
        check(() => aws.queue.ping()),
        check(() => aws.jobs.ping()),
      ]);
      return { database, bucket, queue, table };
    },
    close: async () => {
      await localProcessing?.close();
      await db.destroy();
      await pool.end().catch(() => {});
      clients.destroy();
    },
  };
}
