import type { ConnectionOptions } from "node:tls";
import { Kysely, PostgresDialect, type PostgresPool } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

// bigint columns (bytes) arrive as strings by default; they stay well within Number's safe range here.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = Kysely<Database>;

/**
 * Where the pool gets its password when it rotates (on AWS: the database secret in Secrets Manager).
 * `password()` is asked for each new connection; `refresh()` is called when PostgreSQL refuses it (28P01).
 */
export interface PasswordSource {
  password(): Promise<string>;
  /** Counts the password changes it has seen; `refresh(seen)` re-reads only if nothing changed since `seen`. */
  readonly version: number;
  refresh(seen: number): Promise<void>;
}

function connectionOptions(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    user: decodeURIComponent(u.username) || undefined,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** SQLSTATE invalid_password: the password the pool holds is no longer the role's. */
const INVALID_PASSWORD = "28P01";

export function createDb(opts: { url: string; poolSize?: number; password?: PasswordSource; ssl?: ConnectionOptions }): { db: Db; pool: pg.Pool } {
  const source = opts.password;
  const pool = new pg.Pool({
    // pg lets a connection string override explicit options (its empty password would replace the function, its
    // sslmode the CA), so with a password source or TLS options the URL is taken apart here instead.
    ...(source || opts.ssl ? connectionOptions(opts.url) : { connectionString: opts.url }),
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...(source ? { password: () => source.password() } : {}),
    ...(opts.ssl ? { ssl: opts.ssl } : {}),
  });
  // A connection the server drops (restart, failover) must not crash the process: the pool replaces idle
  // ones, and a checked-out one fails its query, which the caller sees as a retryable error.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  // Open connections outlive a password change; new ones fail until the pool has the new password. So a refused
  // connection re-reads the secret and tries once more: a request costs at most one retry after a rotation.
  const rotating: PostgresPool = {
    // Kysely's query cancellation opens a control connection with the pool's own options and Client.
    options: (pool as unknown as { options: object }).options,
    Client: pg.Client,
    connect: async () => {
      const seen = source?.version ?? 0;
      try {
        return await pool.connect();
      } catch (err) {
        if (!source || (err as { code?: unknown }).code !== INVALID_PASSWORD) throw err;
        await source.refresh(seen);
        return pool.connect();
      }
    },
    end: () => pool.end(),
  };
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: rotating }) }), pool };
}
