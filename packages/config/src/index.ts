import { z } from "zod";

/**
 * The one place that reads the environment. Every setting has a default that selects the embedded stack,
 * so `loadConfig({})` describes a laptop run; pointing at real services only takes environment variables.
 */
const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** `embedded` starts the in-process stand-ins; `aws` uses whatever endpoints/credentials the SDK finds. */
  STACK: z.enum(["embedded", "aws"]).default("embedded"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** OTLP/HTTP collector base URL (…/v1/traces is appended): the ADOT sidecar on AWS, a local collector when opted in. Unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  HOST: z.string().default("127.0.0.1"),
  PORT: int(8080),
  /** Where browsers reach the app; drives cookie `Secure`, CORS and HSTS. */
  PUBLIC_URL: z.url().optional(),
  /** Built web app served by the API (one origin). Empty disables static serving. */
  WEB_DIST_DIR: z.string().default(""),
  DATA_DIR: z.string().default(".data"),

  AWS_REGION: z.string().default("us-east-1"),
  /** Only for the stand-ins and moto; on AWS leave unset so the SDK uses the task or Lambda role. */
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:54329/postgres"),
  DATABASE_POOL_SIZE: int(10),
  /** On AWS: the Secrets Manager secret holding {username,password,host,port,dbname}; overrides DATABASE_URL. */
  DATABASE_SECRET_ARN: z.string().optional(),
  /** On AWS, with DATABASE_SECRET_ARN: where the database is (the RDS-managed secret holds only the credentials). */
  DATABASE_HOST: z.string().optional(),
  DATABASE_PORT: z.coerce.number().int().positive().optional(),
  DATABASE_NAME: z.string().optional(),
  /** TLS to PostgreSQL: `verify-full` checks the server against the RDS CAs and its host name. Default: on with a secret. */
  DATABASE_SSL: z.enum(["disable", "verify-full"]).optional(),
  /** The migrate step only (ECS injects them from the RDS-managed master secret): applies migrations, creates the app role. */
  DATABASE_MASTER_USERNAME: z.string().optional(),
  DATABASE_MASTER_PASSWORD: z.string().optional(),
  /** On AWS: an SSM Parameter Store path whose parameters are loaded as environment (e.g. /photoreel/prod/). */
  SSM_PARAMETER_PATH: z.string().optional(),

  S3_BUCKET: z.string().min(3).default("photoreel-local"),
  S3_ENDPOINT: z.url().optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  SQS_RENDER_QUEUE_URL: z.string().default("http://127.0.0.1:9324/000000000000/photoreel-render"),
  SQS_PREVIEW_QUEUE_URL: z.string().default("http://127.0.0.1:9324/000000000000/photoreel-preview"),
  SQS_DLQ_URL: z.string().default("http://127.0.0.1:9324/000000000000/photoreel-render-dlq"),
  SQS_ENDPOINT: z.url().optional(),
  DYNAMODB_TABLE: z.string().default("photoreel-videos"),
  DYNAMODB_ENDPOINT: z.url().optional(),
  COGNITO_USER_POOL_ID: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, "expected <region>_<id>").default("us-east-1_LocalPool"),
  COGNITO_CLIENT_ID: z.string().default("photoreel-local-client"),
  COGNITO_ENDPOINT: z.url().optional(),
  /** Local only: where the stand-in's JWKS lives (the real pool's JWKS is fetched from AWS). */
  COGNITO_JWKS_URL: z.url().optional(),

  /** E-mails that join the `admin` group once confirmed (bootstrap operators; comma-separated). */
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((e) => e.trim().toLowerCase()).filter(Boolean)),
  /** Per IP and 15 minutes: sign-ups, and sign-in (or confirmation) attempts. */
  RATE_LIMIT_SIGNUP_PER_IP: int(10),
  RATE_LIMIT_SIGNIN_PER_IP: int(50),
  /** Per account: failed sign-ins (or confirmations) in a row that cost nothing; each further one makes it wait. */
  RATE_LIMIT_SIGNIN_PER_ACCOUNT: int(5),
  /** The first wait, in seconds; it doubles with each further failure, up to 15 minutes. A success resets it. */
  RATE_LIMIT_SIGNIN_BACKOFF_SECONDS: int(30),
  MAX_UPLOAD_BYTES: int(50 * 1024 * 1024),
  MAX_AUDIO_BYTES: int(30 * 1024 * 1024),
  MAX_INPUT_PIXELS: int(100_000_000),
  QUOTA_PHOTOS: int(5000),
  QUOTA_BYTES: int(10 * 1024 * 1024 * 1024),
  /** Music tracks per user, and their total size. */
  QUOTA_AUDIO_TRACKS: int(50),
  QUOTA_AUDIO_BYTES: int(1024 * 1024 * 1024),
  /** Video jobs (videos and previews) a user may have queued or rendering at once. */
  MAX_ACTIVE_JOBS: int(10),
  /** Seconds of output (videos and previews) a user may start rendering per UTC day. */
  DAILY_RENDER_SECONDS: int(2 * 60 * 60),
  /**
   * Embedded stack only: `start` starts the stand-ins in the API's process; `running` uses stand-ins that are already
   * running at the configured endpoints (the test kit's, for benches that run the API as its own process).
   */
  EMBEDDED_STANDINS: z.enum(["start", "running"]).default("start"),
  /** Embedded stack only: bind the stand-ins to free ports instead of the fixed defaults (parallel test runs). */
  EMBEDDED_FREE_PORTS: bool.default(false),
  /** Embedded stack only: how many worker processes `start` launches beside the API (0 = none). */
  EMBEDDED_WORKERS: z.coerce.number().int().min(0).max(8).default(1),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /**
   * Full renders one user may have running at once across all workers (0: no cap). A worker that receives a
   * render of a user at the cap puts it back until that user's running render expects to end (at most
   * RENDER_DEFER_SECONDS) and takes the next message, so one user's long backlog never holds every worker while
   * other users wait. Previews are not capped.
   */
  RENDER_MAX_PER_USER: z.coerce.number().int().min(0).max(64).default(1),
  RENDER_DEFER_SECONDS: z.coerce.number().int().min(1).max(900).default(5),
  /**
   * A stopping worker waits for its long poll in progress to answer, so a message SQS hands to it is put back at
   * once rather than after its visibility timeout. The embedded start turns this off for the workers it launches:
   * their queue is in memory in the API process that is stopping with them, so the wait only made Ctrl-C 10 s slower.
   */
  WORKER_STOP_WAITS_FOR_POLL: bool.default(true),
  /** Names the worker in its logs; the embedded start numbers its workers. Default: the process id. */
  WORKER_ID: z.string().regex(/^[\w.-]{1,64}$/, "letters, digits, '.', '_' and '-', at most 64").optional(),
  /** Seconds; the worker extends message visibility in steps of this while rendering. */
  RENDER_VISIBILITY_TIMEOUT: z.coerce.number().int().min(10).default(60),
  /** Seconds without a heartbeat after which a RENDERING job is taken over by another worker. */
  RENDER_STALE_SECONDS: z.coerce.number().int().min(5).default(30),
  /** How often the worker's sweeper runs (DLQ -> FAILED, lost messages re-sent, stalled renders recovered). */
  SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
  /** A QUEUED job whose message was last sent this long ago is sent again by the sweeper. */
  RESEND_AFTER_SECONDS: z.coerce.number().int().min(1).default(300),
  /** On SIGTERM the worker finishes its job within this grace, else hands it back. Keep under ECS stopTimeout. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(20),
  /**
   * Stretches the time budget of every FFmpeg run (derived from the frames it must produce; past it the run is
   * killed and the video fails): 2 on hardware half as fast as a current 2-core machine.
   */
  RENDER_TIME_BUDGET_SCALE: z.coerce.number().positive().max(100).default(1),
  /** The worker's FFmpeg and ffprobe: a command on PATH or a path. */
  FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
  FFPROBE_PATH: z.string().min(1).default("ffprobe"),
  /** Set by ECS in every task: the container agent's endpoint, which the worker asks for scale-in protection. */
  ECS_AGENT_URI: z.url().optional(),
  /** Scale-in protection the worker sets per job lapses after this, should the worker die holding it. */
  TASK_PROTECTION_MINUTES: z.coerce.number().int().min(1).max(2880).default(60),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, "PUBLIC_URL"> & { PUBLIC_URL: string };

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export type Env = Record<string, string | undefined>;

/** A copy of the process environment: the only read of process.env in the apps and packages. */
export function readEnvironment(): Env {
  return { ...process.env };
}

/** Parses the environment into a typed config; a bad value stops start-up naming the variable. */
export function loadConfig(env: Env = readEnvironment()): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  // Without an explicit public URL the app is where it listens (a laptop run).
  return { ...parsed.data, PUBLIC_URL: parsed.data.PUBLIC_URL ?? `http://127.0.0.1:${parsed.data.PORT}` };
}

/** Names of every variable the apps read: used by the deploy wiring tests. */
export const configKeys = Object.keys(ConfigSchema.shape) as (keyof Config)[];

/**
 * Process settings for the worker, which renders. glibc's per-thread malloc arenas keep freed native buffers
 * resident (two arenas took bench/thumbnail's sharp peak from 287 to 183 MB); V8's default 16 MB semi-spaces were
 * 26 MB of the bundled worker's 124 MB idle size, and its JS only polls and reports. No fixed malloc mmap threshold
 * (MALLOC_MMAP_THRESHOLD_=131072 was here): FFmpeg inherits it, and the Ken Burns encoder, fed a 3 MB raw frame per
 * packet, ran 2x slower with it (6 photos at 1080p: 29.8 s vs 14.5 s), for 17 MB less peak PSS at 100 photos
 * (413 vs 430 MB, bench/render --only=memory, same machine).
 * The worker image sets the same (a test holds them equal); the embedded start and bench/render pass these.
 */
export const WORKER_PROCESS_ENV = { MALLOC_ARENA_MAX: "2", NODE_OPTIONS: "--max-semi-space-size=1" } as const;
