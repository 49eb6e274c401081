import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { buildApp } from "fauxqs";
import { lockDataDir } from "./data-dir-lock";
import { openPglite } from "./pglite-template";
import { startPgliteServer } from "./pglite-server";
import { portOrFree, StartupError } from "./ports";
import { startCognitoLocal, type CognitoMessage } from "./cognito-server";
import { provisionAws } from "./provision";
import { s3rverFixes, type S3rverStore } from "./s3rver-fixes";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./resources";

const require = createRequire(import.meta.url);

/** One S3 event notification record, in the shape a Lambda receives (`event.Records[n]`). */
export interface S3NotificationRecord {
  eventVersion: string;
  eventSource: "aws:s3";
  awsRegion: string;
  eventTime: string;
  /** e.g. `ObjectCreated:Put`, `ObjectCreated:Post`, `ObjectCreated:Copy`, `ObjectRemoved:Delete`. */
  eventName: string;
  s3: {
    bucket: { name: string; arn: string };
    /** `key` is URL-encoded (spaces as `+`), as real S3 sends it. */
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

export interface LocalStackPorts {
  s3: number;
  sqs: number;
  dynamodb: number;
  cognito: number;
  postgres: number;
}

export interface LocalStackOptions {
  dataDir: string;
  /**
   * Defaults: s3 4569, sqs 9324, dynamodb 8011, cognito 9229, postgres 54329, each replaced by a free port when it is
   * busy (a second copy on the same machine). 0 picks a free port; a port given here that is busy stops the start.
   */
  ports?: Partial<LocalStackPorts>;
  /** Origin the bucket's CORS rules allow (the web app's). */
  webOrigin: string;
  /**
   * Called for every object created or removed, like the S3 -> Lambda notification (fire and forget, as there).
   * A throw or rejection is logged; it never fails the S3 request. Note: s3rver reports a completed multipart
   * upload as `ObjectCreated:Post` (S3 says `ObjectCreated:CompleteMultipartUpload`): match `ObjectCreated:*`.
   */
  onS3Event?: (record: S3NotificationRecord) => void | Promise<void>;
  /** Receives Cognito confirmation codes (there is no e-mail locally). */
  onCognitoMessage?: (message: CognitoMessage) => void;
  /**
   * Keeps DynamoDB and PostgreSQL in memory (faster tests). S3 objects and Cognito users still live under
   * dataDir: s3rver and cognito-local only store on disk. SQS is always in memory.
   */
  inMemory?: boolean;
}

/** Stand-ins that fault tests may stop and start again. SQS is in memory: a restart loses queued messages. */
export type RestartableService = "s3" | "sqs";

export interface LocalStack {
  /** Stops a stand-in (its port refuses connections) until `resume`. */
  pause(name: RestartableService): Promise<void>;
  /** Starts a paused stand-in again on the same port and provisions it again. */
  resume(name: RestartableService): Promise<void>;
  restart(name: RestartableService): Promise<void>;
  /** The variables that point the app at this stack; merge them over process.env before loadConfig. */
  env: Record<string, string>;
  ports: LocalStackPorts;
  stop(): Promise<void>;
}

const DEFAULT_PORTS: LocalStackPorts = { s3: 4569, sqs: 9324, dynamodb: 8011, cognito: 9229, postgres: 54329 };
const SERVICE_NAMES: Record<keyof LocalStackPorts, string> = { s3: "S3", sqs: "SQS", dynamodb: "DynamoDB", cognito: "Cognito", postgres: "PostgreSQL" };
const HOST = "127.0.0.1";
/** pg.Pool defaults to 10 per process; the API and an in-process worker may each hold a pool. */
const PG_MAX_CONNECTIONS = 24;

interface S3rverInstance {
  store: S3rverStore;
  middleware: unknown[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: "event", listener: (event: { Records: S3NotificationRecord[] }) => void): void;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;
type Dynalite = (opts: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

const encodeKey = (key: string) =>
  key
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/%20/g, "+"))
    .join("/");

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((e) => (e ? reject(e) : resolve()));
    server.closeAllConnections?.();
  });
}

/**
 * Starts S3 (s3rver), SQS (fauxqs), DynamoDB (dynalite), Cognito (cognito-local) and PostgreSQL (PGlite) on
 * 127.0.0.1, provisions what the app needs (idempotently: state under dataDir survives a restart), and returns
 * the environment for the app. On failure everything already started is stopped again.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const want = { ...DEFAULT_PORTS, ...opts.ports };
  const dataDir = path.resolve(opts.dataDir);
  const dirs = { s3: path.join(dataDir, "s3"), dynamodb: path.join(dataDir, "dynamodb"), cognito: path.join(dataDir, "cognito"), postgres: path.join(dataDir, "postgres") };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  const unlock = await lockDataDir(dataDir);

  const stops: (() => Promise<void>)[] = [unlock];
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw new AggregateError(errors, "local stack did not stop cleanly");
  };

  // S3 and SQS can be stopped and started again (fault tests); their stop functions live here.
  const live: Partial<Record<RestartableService, () => Promise<void>>> = {};
  const stopLive = async (name: RestartableService) => {
    const stop = live[name];
    delete live[name];
    await stop?.();
  };
  stops.push(() => stopLive("s3"), () => stopLive("sqs"));

  // s3rver cannot report a failed bind (it leaves an unhandled 'error' event), so ports are checked before binding:
  // a busy default is swapped for a free one; a busy port that was asked for stops the start with a sentence.
  try {
    for (const name of Object.keys(want) as (keyof LocalStackPorts)[]) {
      if (want[name] === 0) continue;
      const { busy } = await portOrFree(want[name], HOST);
      if (!busy) continue;
      if (opts.ports?.[name] !== undefined) {
        throw new StartupError(`Port ${want[name]} (the embedded ${SERVICE_NAMES[name]} stand-in) is already in use; stop what uses it or choose another port.`);
      }
      want[name] = 0;
    }
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }

  try {
    const startS3 = async () => {
      const S3rver = require("s3rver") as S3rverCtor;
      const s3 = new S3rver({ address: HOST, port: want.s3, directory: dirs.s3, silent: true, vhostBuckets: false });
      // Koa composes its middleware when the server starts listening, so this runs before s3rver's router.
      s3.middleware.unshift(s3rverFixes(s3.store));
      if (opts.onS3Event) {
        const forward = opts.onS3Event;
        s3.on("event", (event) => {
          for (const record of event.Records) {
            const report = (e: unknown) => console.error(`[local-stack] onS3Event failed for ${record.eventName} ${record.s3.object.key}:`, e);
            try {
              const done = forward({ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeKey(record.s3.object.key) } } });
              if (done instanceof Promise) done.catch(report);
            } catch (e) {
              report(e);
            }
          }
        });
      }
      const address = await s3.run();
      live.s3 = () => s3.close();
      return address.port;
    };
    const startSqs = async () => {
      // startFauxqs() binds 0.0.0.0; building the app ourselves keeps it on loopback.
      const app = buildApp({ logger: false, host: HOST });
      const url = new URL(await app.listen({ port: want.sqs, host: HOST }));
      live.sqs = () => app.close();
      return Number(url.port);
    };
    const startDynamo = async () => {
      const dynalite = require("dynalite") as Dynalite;
      const server = dynalite({
        ...(opts.inMemory ? {} : { path: dirs.dynamodb }),
        createTableMs: 0,
        deleteTableMs: 0,
        updateTableMs: 0,
      });
      const port = await listen(server, want.dynamodb);
      stops.push(() => closeServer(server));
      return port;
    };
    const startCognito = async () => {
      const { server, port } = await startCognitoLocal({ dir: dirs.cognito, port: want.cognito, onMessage: opts.onCognitoMessage });
      stops.push(() => closeServer(server));
      return port;
    };
    const startPostgres = async () => {
      const db = await openPglite(opts.inMemory ? undefined : dirs.postgres);
      stops.push(() => db.close());
      const server = await startPgliteServer({ db, host: HOST, port: want.postgres, maxConnections: PG_MAX_CONNECTIONS });
      stops.push(server.stop);
      return server.port;
    };

    // allSettled, not all: a failure must wait for the other starts to finish so that they are stopped too.
    const settled = await Promise.allSettled([startS3(), startSqs(), startDynamo(), startCognito(), startPostgres()]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const [s3, sqs, dynamodb, cognito, postgres] = settled.map((r) => (r as PromiseFulfilledResult<number>).value) as [number, number, number, number, number];
    const ports: LocalStackPorts = { s3, sqs, dynamodb, cognito, postgres };
    const url = (port: number) => `http://${HOST}:${port}`;
    const env = await provisionAws({
      region: LOCAL_REGION,
      webOrigin: opts.webOrigin,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { s3: url(s3), sqs: url(sqs), dynamodb: url(dynamodb), cognito: url(cognito) },
    });
    env.DATABASE_URL = `postgres://postgres@${HOST}:${postgres}/postgres`;
    const provision = () =>
      provisionAws({
        region: LOCAL_REGION,
        webOrigin: opts.webOrigin,
        credentials: LOCAL_CREDENTIALS,
        endpoints: { s3: url(s3), sqs: url(sqs), dynamodb: url(dynamodb), cognito: url(cognito) },
      });
    const starters = { s3: startS3, sqs: startSqs };
    const resume = async (name: RestartableService) => {
      if (live[name]) return;
      want[name] = ports[name];
      await starters[name]();
      await provision();
    };
    return {
      env,
      ports,
      stop: stopAll,
      pause: (name) => stopLive(name),
      resume,
      async restart(name) {
        await stopLive(name);
        await resume(name);
      },
    };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}
