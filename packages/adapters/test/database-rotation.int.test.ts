import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createDb, type Db } from "@photoreel/db";
import { startThrowawayPostgres } from "@photoreel/db/testing";
import { startMoto, type MotoServer } from "@photoreel/local-stack";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseConnection } from "../src/aws/database-secret";

/**
 * Password rotation against the real PostgreSQL server (a cluster of its own with password authentication: the
 * machine's runs with trust) and the secret in moto: the role's password and the secret change mid-run, as RDS's
 * managed rotation does, and requests keep succeeding, each after at most one retry inside the pool.
 */
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
let moto: MotoServer;
let server: Awaited<ReturnType<typeof startThrowawayPostgres>>;
let admin: pg.Client;
let sm: SecretsManagerClient;

beforeAll(async () => {
  [moto, server] = await Promise.all([startMoto(), startThrowawayPostgres({ hostAuth: "scram-sha-256" })]);
  admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  sm = new SecretsManagerClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
}, 60_000);
afterAll(async () => {
  await admin?.end();
  await server?.stop();
  await moto?.stop();
});

async function role(name: string, password: string) {
  await admin.query(`create role ${name} login password '${password}'`);
  await admin.query(`grant all on schema public to ${name}`);
}
async function rotate(name: string, secretId: string, password: string) {
  await admin.query(`alter role ${name} password '${password}'`);
  await sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify({ username: name, password, host: "127.0.0.1", port: server.port, dbname: "postgres" }) }));
  // Open sessions outlive a password change; close them so that every request needs a new connection.
  await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = $1", [name]);
}
async function waitUntilIdleGone(pool: pg.Pool) {
  for (let i = 0; i < 100 && pool.totalCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
}
const ping = (db: Db) => sql<{ ok: number }>`select 1 as ok`.execute(db).then((r) => r.rows[0]!.ok);

describe("database password rotation (real PostgreSQL, secret in moto)", () => {
  it("keeps serving requests after the role's password and the secret change", async () => {
    await role("rot_app", "first-Pass1");
    const secret = await sm.send(
      new CreateSecretCommand({ Name: "rds!db-rot", SecretString: JSON.stringify({ username: "rot_app", password: "first-Pass1", host: "127.0.0.1", port: server.port, dbname: "postgres" }) }),
    );
    const conn = await databaseConnection(
      { AWS_REGION: "us-east-1", DATABASE_URL: "", DATABASE_SECRET_ARN: secret.ARN!, DATABASE_SSL: "disable" },
      { secretsManager: moto.endpoint, credentials },
    );
    const refreshes: number[] = [];
    const source = conn.password!;
    const counted = {
      password: () => source.password(),
      get version() {
        return source.version;
      },
      refresh: (seen: number) => (refreshes.push(seen), source.refresh(seen)),
    };
    const { db, pool } = createDb({ url: conn.url, password: counted, poolSize: 4 });
    try {
      expect(await Promise.all([ping(db), ping(db)])).toEqual([1, 1]);

      await rotate("rot_app", secret.ARN!, "second-Pass2");
      await waitUntilIdleGone(pool);
      // A burst of requests right after the rotation: all succeed; the secret is re-read once, not per request.
      expect(await Promise.all(Array.from({ length: 8 }, () => ping(db)))).toEqual(Array(8).fill(1));
      expect(refreshes.length).toBeGreaterThanOrEqual(1);
      expect(refreshes.length).toBeLessThanOrEqual(8); // at most one per request: each retried once at most
      expect(source.version).toBe(1); // the burst re-read the secret once

      const before = refreshes.length;
      expect(await ping(db)).toBe(1);
      expect(refreshes.length).toBe(before); // the new password is cached: no more re-reads
    } finally {
      await db.destroy();
    }
  });

  it("without the secret-backed password the same rotation breaks every new connection (the regression)", async () => {
    await role("rot_plain", "first-Pass1");
    const secret = await sm.send(
      new CreateSecretCommand({ Name: "rds!db-plain", SecretString: JSON.stringify({ username: "rot_plain", password: "first-Pass1", host: "127.0.0.1", port: server.port, dbname: "postgres" }) }),
    );
    // The old way: the password read once at start, baked into the URL.
    const url = new URL(`postgres://127.0.0.1:${server.port}/postgres`);
    url.username = "rot_plain";
    url.password = "first-Pass1";
    const { db, pool } = createDb({ url: url.toString(), poolSize: 2 });
    try {
      expect(await ping(db)).toBe(1);
      await rotate("rot_plain", secret.ARN!, "second-Pass2");
      await waitUntilIdleGone(pool);
      await expect(ping(db)).rejects.toMatchObject({ code: "28P01" });
    } finally {
      await db.destroy();
    }
  });
});
