import { sql } from "kysely";
import type { Db } from "./client";

/**
 * The least-privilege role the apps connect as: it reads and writes rows, and nothing else (no DDL, no other
 * roles, not the owner of anything). Run with the master credentials after the migrations, by the migrate step
 * (apps/api/src/migrate.ts), never by the apps themselves.
 *
 * The role is created with the app secret's password when it does not exist yet; an existing role keeps its
 * password, which from then on belongs to the secret's rotation (setting it here on every deploy could undo a
 * rotation in progress). The grants are re-applied every time, so tables added by later migrations are covered.
 */
export async function ensureAppRole(db: Db, role: { name: string; password: string }): Promise<"created" | "updated"> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role.name)) throw new Error(`The app role name ${JSON.stringify(role.name)} is not a plain lowercase identifier`);
  const id = sql.id(role.name);
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${role.name}`.execute(db);
  const created = exists.rows[0]?.n === 0;
  if (created) {
    // CREATE ROLE takes no bind parameters: the password goes in as an escaped literal (never logged).
    await sql`create role ${id} login password ${sql.lit(role.password)} nosuperuser nocreatedb nocreaterole noinherit`.execute(db);
  }
  await sql`alter role ${id} nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls connection limit -1`.execute(db);
  const database = sql.id((await sql<{ d: string }>`select current_database() as d`.execute(db)).rows[0]!.d);
  await sql`grant connect on database ${database} to ${id}`.execute(db);
  await sql`grant usage on schema public to ${id}`.execute(db);
  await sql`revoke create on schema public from ${id}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${id}`.execute(db);
  await sql`grant usage, select on all sequences in schema public to ${id}`.execute(db);
  // Tables the migrating role creates later get the same grants without another run of this step.
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${id}`.execute(db);
  await sql`alter default privileges in schema public grant usage, select on sequences to ${id}`.execute(db);
  return created ? "created" : "updated";
}
