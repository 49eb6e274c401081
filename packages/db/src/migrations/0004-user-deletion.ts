import { sql, type Kysely } from "kysely";

// A tombstone: a deleted account's still-valid tokens must stop working at once, and its row must not be
// re-created by the next request that carries one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("deleted_at", sql`timestamptz(3)`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("deleted_at").execute();
}
