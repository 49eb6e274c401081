import { sql, type Kysely } from "kysely";

// Share links are app URLs (/s/{token}) that redirect to a fresh, short-lived presigned URL: a presigned URL
// itself dies with the temporary credentials that signed it (a task role's rotate within hours), however long
// it was asked to live. Only the token's SHA-256 is kept, so a copy of the database opens no video.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("video_shares")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("video_id", "uuid", (c) => c.notNull())
    .addColumn("expires_at", sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn("created_at", sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("video_shares_owner_video_idx").on("video_shares").columns(["owner_id", "video_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("video_shares").execute();
}
