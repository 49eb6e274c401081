import { randomBytes } from "node:crypto";
import { readEnvironment } from "@photoreel/config";
import { laterPort } from "@photoreel/local-stack/ports";
import pg from "pg";
import { createDb, type Db } from "./client";
import { migrateToLatest } from "./migrate";

/** The real PostgreSQL server the tests use; `.ci/run` makes sure one answers here. */
export const TEST_SERVER_URL = readEnvironment().TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A fresh, migrated database on the real server, dropped by `drop()`. */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const name = `photoreel_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const { db } = createDb({ url: url.toString(), poolSize: 10 });
  if (opts.migrate !== false) await migrateToLatest(db);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: TEST_SERVER_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A PostgreSQL server of its own (initdb in a temp dir, ~1 s), for tests that restart or stop the database.
 * Needs the server binaries (the machine's PostgreSQL package) and, as root, runs them as `postgres`.
 * `hostAuth: "scram-sha-256"` makes TCP connections prove their password (the superuser then connects through
 * the socket: `adminUrl`); `serverOptions` are extra `-c name=value` settings (TLS, say).
 */
export async function startThrowawayPostgres(
  opts: { hostAuth?: "trust" | "scram-sha-256"; serverOptions?: string } = {},
): Promise<{ url: string; adminUrl: string; port: number; restart(): Promise<void>; stop(): Promise<void> }> {
  const { execFileSync } = await import("node:child_process");
  const { mkdtempSync, readdirSync, chownSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  const bin = `/usr/lib/postgresql/${versions[0]}/bin`;
  const dir = mkdtempSync(join(tmpdir(), "pg-"));
  // Bound by the server after initdb, seconds from now: a port from listen(0) could meanwhile become another test's
  // client socket (laterPort's note).
  const port = await laterPort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    execFileSync(asRoot ? "runuser" : cmd, asRoot ? ["-u", "postgres", "--", cmd, ...args] : args, { stdio: "ignore" });
  };
  run(`${bin}/initdb`, ["-D", `${dir}/data`, "-U", "postgres", "--auth-local=trust", `--auth-host=${opts.hostAuth ?? "trust"}`, "--no-sync"]);
  const serverOpts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off ${opts.serverOptions ?? ""}`.trim();
  const ctl = (...args: string[]) => run(`${bin}/pg_ctl`, ["-D", `${dir}/data`, "-l", `${dir}/log`, "-w", ...args]);
  ctl("-o", serverOpts, "start");
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    adminUrl: `postgres://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`,
    port,
    restart: async () => ctl("-m", "fast", "-o", serverOpts, "restart"),
    stop: async () => {
      try {
        ctl("-m", "immediate", "stop");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
