import type { Kysely } from "kysely";
import { Migrator, type Migration, type MigrationProvider } from "kysely/migration";
import * as m0001 from "./migrations/0001-users";
import * as m0002 from "./migrations/0002-photos";
import * as m0003 from "./migrations/0003-rate-limits";
import * as m0004 from "./migrations/0004-user-deletion";
import * as m0005 from "./migrations/0005-video-shares";
import * as m0006 from "./migrations/0006-photo-search";
import * as m0007 from "./migrations/0007-render-limits";
import * as m0009 from "./migrations/0009-share-links";
import * as m0010 from "./migrations/0010-audio-beats";
import * as m0011 from "./migrations/0011-photo-focal-point";

/** An explicit list rather than a folder scan, so migrations survive bundling. */
const migrations: Record<string, Migration> = {
  "0001-users": m0001,
  "0002-photos": m0002,
  "0003-rate-limits": m0003,
  "0004-user-deletion": m0004,
  "0005-video-shares": m0005,
  "0006-photo-search": m0006,
  "0007-render-limits": m0007,
  "0009-share-links": m0009,
  "0010-audio-beats": m0010,
  "0011-photo-focal-point": m0011,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Runs pending migrations; kysely's migration lock makes concurrent callers (several tasks) safe. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

export async function migrateDown(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error } = await migrator.migrateDown();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

export const migrationNames = Object.keys(migrations);
