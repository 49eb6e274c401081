// The migrate step: on ECS, a container that runs before the api in every api task (app.yml: DependsOn SUCCESS).
// With the master credentials, which ECS injects into this container alone, it applies the migrations and makes
// sure the least-privilege app role exists with its grants; the api and the thumbnailer then connect as that role.
import { databaseConnection } from "@photoreel/adapters";
import { bootstrap, runMain } from "@photoreel/bootstrap";
import { ConfigError } from "@photoreel/config";
import { createDb, ensureAppRole, migrateToLatest } from "@photoreel/db";

runMain("migrate", async () => {
  const { config, log } = await bootstrap("migrate");
  if (!config.DATABASE_MASTER_USERNAME || !config.DATABASE_MASTER_PASSWORD)
    throw new ConfigError(["DATABASE_MASTER_USERNAME, DATABASE_MASTER_PASSWORD: the migrate step needs the master credentials"]);
  // Where the database is, and how to reach it (TLS), come from the app role's secret; the master user replaces its user.
  const app = await databaseConnection(config);
  const url = new URL(app.url);
  url.username = encodeURIComponent(config.DATABASE_MASTER_USERNAME);
  url.password = encodeURIComponent(config.DATABASE_MASTER_PASSWORD);
  const { db } = createDb({ url: url.toString(), poolSize: 1, ...(app.ssl ? { ssl: app.ssl } : {}) });
  try {
    const applied = await migrateToLatest(db);
    log.info({ applied }, applied.length ? "migrations applied" : "no pending migrations");
    const appUser = decodeURIComponent(new URL(app.url).username);
    if (app.password && appUser !== config.DATABASE_MASTER_USERNAME) {
      const result = await ensureAppRole(db, { name: appUser, password: await app.password.password() });
      log.info({ role: appUser, result }, "app role ready");
    }
  } finally {
    await db.destroy();
  }
});
