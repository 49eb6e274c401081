import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("photos")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('uploading', 'processing', 'ready', 'rejected')`),
    )
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("bytes", "bigint", (c) => c.notNull())
    .addColumn("upload_id", "text")
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("taken_at", sql`timestamptz(3)`)
    .addColumn("orientation", "smallint")
    .addColumn("sha256", "text")
    .addColumn("camera_make", "text")
    .addColumn("camera_model", "text")
    .addColumn("caption", "text")
    .addColumn("reject_reason", "text")
    .addColumn("duplicate_of", "uuid")
    .addColumn("created_at", sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Keyset pagination by upload date and by taken date (photos without a date sort last via coalesce).
  await db.schema.createIndex("photos_owner_created_idx").on("photos").columns(["owner_id", "created_at desc", "id desc"]).execute();
  await sql`create index photos_owner_taken_idx on photos (owner_id, (coalesce(taken_at, created_at)) desc, id desc)`.execute(db);
  await db.schema.createIndex("photos_owner_sha_idx").on("photos").columns(["owner_id", "sha256"]).execute();
  await db.schema.createIndex("photos_status_updated_idx").on("photos").columns(["status", "updated_at"]).execute();

  await db.schema
    .createTable("audio_tracks")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('uploading', 'ready', 'rejected')`))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("bytes", "bigint", (c) => c.notNull())
    .addColumn("duration_seconds", "double precision")
    .addColumn("reject_reason", "text")
    .addColumn("created_at", sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("audio_owner_created_idx").on("audio_tracks").columns(["owner_id", "created_at desc"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audio_tracks").execute();
  await db.schema.dropTable("photos").execute();
}
