import { sql, type Kysely } from "kysely";

// Share links the owner can list and revoke one by one. A revoked link keeps its row (revoked_at set) so the share
// page can say "turned off by the person who shared it" (410) instead of "never existed" (404); the id names a link
// in the owner's list without handing out the token's hash.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("video_shares")
    .addColumn("id", "uuid", (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn("revoked_at", sql`timestamptz(3)`)
    .execute();
  await db.schema.createIndex("video_shares_id_idx").on("video_shares").column("id").unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("video_shares_id_idx").execute();
  await db.schema.alterTable("video_shares").dropColumn("id").dropColumn("revoked_at").execute();
}
