import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as m0001 from "./migrations/0001-users";
import * as m0002 from "./migrations/0002-photos";
import * as m0003 from "./migrations/0003-rate-limits";
import * as m0004 from "./migrations/0004-user-deletion";
import * as m0005 from "./migrations/0005-video-shares";

/** An explicit list rather than a folder scan, so migrations survive bundling. */
const migrations: Record<string, Migration> = {
  "0001-users": m0001,
  "0002-photos": m0002,
  "0003-rate-limits": m0003,
  "0004-user-deletion": m0004,
  "0005-video-shares": m0005,
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
