import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, ensureAppRole, migrateToLatest, userRepository, type Db } from "../src/index";
import { createTestDatabase, TEST_SERVER_URL } from "../src/testing";

/** The least-privilege app role, on the real PostgreSQL server: rows yes, schema and roles no. */
const name = `photoreel_app_t_${randomBytes(4).toString("hex")}`;
let master: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Db;

beforeAll(async () => {
  master = await createTestDatabase(); // migrated, as the owner (the master user on RDS)
  expect(await ensureAppRole(master.db, { name, password: "Pass-1-unused-here" })).toBe("created");
  const url = new URL(master.url);
  url.username = name; // the test server trusts local connections: what is checked here is what the role may do
  app = createDb({ url: url.toString(), poolSize: 2 }).db;
}, 30_000);
afterAll(async () => {
  await app?.destroy();
  await master?.drop();
  const c = new pg.Client({ connectionString: TEST_SERVER_URL });
  await c.connect();
  await c.query(`drop role if exists ${name}`);
  await c.end();
});

describe("the app role (created by the migrate step with the master credentials)", () => {
  it("reads and writes rows through the repositories", async () => {
    const users = userRepository(app);
    const id = `00000000-0000-4000-8000-${randomBytes(6).toString("hex")}`;
    expect((await users.ensure(id, `${name}@example.com`)).email).toBe(`${name}@example.com`);
    await users.setEmail(id, `new-${name}@example.com`);
    expect((await users.get(id))?.email).toBe(`new-${name}@example.com`);
  });

  it("can run the api's start-up migration check when nothing is pending", async () => {
    expect(await migrateToLatest(app)).toEqual([]);
  });

  it("cannot change the schema, touch roles or read the catalogue's secrets", async () => {
    await expect(sql`create table evil (id int)`.execute(app)).rejects.toThrow(/permission denied/);
    await expect(sql`drop table users`.execute(app)).rejects.toThrow(/must be owner/);
    await expect(sql`alter table users add column x int`.execute(app)).rejects.toThrow(/must be owner/);
    await expect(sql.raw(`create role x_${name}`).execute(app)).rejects.toThrow(/permission denied/);
    await expect(sql`select rolpassword from pg_authid`.execute(app)).rejects.toThrow(/permission denied/);
    const r = await sql<{ super: boolean; createrole: boolean }>`select rolsuper as super, rolcreaterole as createrole from pg_roles where rolname = current_user`.execute(app);
    expect(r.rows[0]).toEqual({ super: false, createrole: false });
  });

  it("reaches tables a later migration adds, and a second run keeps the role as it is", async () => {
    await sql`create table later_feature (id int primary key)`.execute(master.db);
    await sql`insert into later_feature values (1)`.execute(app);
    expect(await ensureAppRole(master.db, { name, password: "another-password" })).toBe("updated");
    expect((await sql<{ n: number }>`select count(*)::int as n from later_feature`.execute(app)).rows[0]?.n).toBe(1);
  });

  it("refuses a role name that is not a plain identifier", async () => {
    await expect(ensureAppRole(master.db, { name: 'x"; drop table users; --', password: "p" })).rejects.toThrow(/plain lowercase identifier/);
  });
});
