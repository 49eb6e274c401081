import { loadConfig } from "@photoreel/config";
import { createDb } from "./client";
import { migrateToLatest } from "./migrate";

// `pnpm db:migrate`: applies pending migrations to DATABASE_URL (the embedded database when it is running).
const config = loadConfig();
const { db } = createDb({ url: config.DATABASE_URL, poolSize: 1 });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} finally {
  await db.destroy();
}
