import { createAwsAdapters, createAwsClients, createCognitoTokenVerifier, credentialsOf, databaseConnection } from "@photoreel/adapters";
import type { Config } from "@photoreel/config";
import { createServices, DomainError, systemClock, type Limits, type PhotoProcessingTrigger, type ServicePorts, type Services, type TokenVerifier } from "@photoreel/core";
import { audioRepository, createDb, migrateToLatest, pgRateLimiter, photoRepository, renderBudgetRepository, renderSlotRepository, shareRepository, userRepository, type Db } from "@photoreel/db";
import { sql } from "kysely";
import type { LocalPhotoProcessing } from "./local-photo-processing";
import type { Logger } from "./logger";
import { mediaSniffer } from "@photoreel/images/sniff";
import { createAudioProber } from "@photoreel/images/probe-audio";
import { renderWork } from "@photoreel/render/policy";

/** The API's graph: the services and what they are built from. */
export interface ServiceGraph {
  services: Services;
  /** The ports the services were built from: for operations and tests, not for request handling. */
  adapters: ServicePorts;
  verifier: TokenVerifier;
  db: Db;
  /** Embedded stack only: photos processed in this process (the Lambda's job on AWS). */
  localProcessing: LocalPhotoProcessing | null;
  /** Each dependency's answer within 2 s: "ok" or why not. */
  readiness(): Promise<Record<string, "ok" | string>>;
  close(): Promise<void>;
}

/**
 * Builds the services from config: the database pool (migrated to the latest schema first), the SDK clients and
 * adapters, the token verifier, and on the embedded stack the in-process photo processing. The API's composition
 * root is this; the test kit composes the same graph over the stand-ins.
 */
export async function composeServiceGraph(config: Config, log: Logger): Promise<ServiceGraph> {
  const { db, pool } = createDb({ ...(await databaseConnection(config)), poolSize: config.DATABASE_POOL_SIZE });
  await migrateToLatest(db);
  const clients = createAwsClients(config, credentialsOf(config));
  const aws = createAwsAdapters(config, clients);
  const photos = photoRepository(db);

  let localProcessing: LocalPhotoProcessing | null = null;
  let processing: PhotoProcessingTrigger = { photoUploaded: () => {} };
  if (config.STACK === "embedded") {
    // Loaded only here: on AWS the API never decodes a photo (nor loads sharp); S3 events invoke the Lambda.
    const { createLocalPhotoProcessing } = await import("./local-photo-processing");
    localProcessing = await createLocalPhotoProcessing({ blobs: aws.blobs, photos, config, log });
    processing = localProcessing;
  }

  const verifier = await createCognitoTokenVerifier({
    userPoolId: config.COGNITO_USER_POOL_ID,
    clientId: config.COGNITO_CLIENT_ID,
    ...(config.STACK === "embedded" && config.COGNITO_JWKS_URL ? { jwksUrl: config.COGNITO_JWKS_URL } : {}),
  });
  const adapters: ServicePorts = {
    ...aws,
    verifier,
    users: userRepository(db),
    photos,
    audio: audioRepository(db),
    shares: shareRepository(db),
    renderSlots: renderSlotRepository(db),
    renderBudget: renderBudgetRepository(db),
    rateLimiter: pgRateLimiter(db),
    processing,
    sniffer: mediaSniffer,
    audioProber: createAudioProber(),
    renderWork,
  };
  const services = createServices({
    ...adapters,
    limits: limitsFromConfig(config),
    clock: systemClock,
    publicUrl: config.PUBLIC_URL,
    autoConfirmSignUp: config.STACK === "embedded",
    adminEmails: config.ADMIN_EMAILS,
    rateLimits: {
      signUpPerIp: config.RATE_LIMIT_SIGNUP_PER_IP,
      signInPerIp: config.RATE_LIMIT_SIGNIN_PER_IP,
      signInPerAccount: config.RATE_LIMIT_SIGNIN_PER_ACCOUNT,
      signInBackoffSeconds: config.RATE_LIMIT_SIGNIN_BACKOFF_SECONDS,
    },
  });

  const check = async (fn: () => Promise<unknown>) => {
    try {
      await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error("timed out after 2 s")), 2000))]);
      return "ok" as const;
    } catch (e) {
      // An adapter's SERVICE_UNAVAILABLE says what users see; operators want what it wraps.
      const reason = e instanceof DomainError && e.cause !== undefined ? e.cause : e;
      return reason instanceof Error ? reason.message || reason.name : String(reason);
    }
  };

  return {
    services,
    adapters,
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

/** The per-user limits and quotas the services enforce, as configured. */
export function limitsFromConfig(config: Config): Limits {
  return {
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    maxAudioBytes: config.MAX_AUDIO_BYTES,
    quotaPhotos: config.QUOTA_PHOTOS,
    quotaBytes: config.QUOTA_BYTES,
    quotaAudioTracks: config.QUOTA_AUDIO_TRACKS,
    quotaAudioBytes: config.QUOTA_AUDIO_BYTES,
    maxActiveJobs: config.MAX_ACTIVE_JOBS,
    dailyRenderSeconds: config.DAILY_RENDER_SECONDS,
  };
}
