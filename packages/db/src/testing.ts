import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type Db } from "./client";
import { migrateToLatest } from "./migrate";

/** The real PostgreSQL server the tests use; `.ci/run` makes sure one answers here. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

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
