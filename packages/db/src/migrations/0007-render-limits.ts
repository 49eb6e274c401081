import { sql, type Kysely } from "kysely";

// Limits that hold under concurrency (issue 13 §3).
// active_renders: one row per video job that holds one of its owner's active-job slots (create, preview, retry).
// A slot is taken in a transaction that locks the owner's users row, so two requests of one owner never both see
// "9 of 10". The row carries the job's attempt: a slot is released by (video_id, attempt), so a late release of
// an old attempt never frees the slot a retry took.
// render_budget_days: seconds of output charged per owner per UTC day, raised by one conditional upsert.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("active_renders")
    .addColumn("video_id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("acquired_at", sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("active_renders_owner_idx").on("active_renders").column("owner_id").execute();

  await db.schema
    .createTable("render_budget_days")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("seconds", "double precision", (c) => c.notNull().check(sql`seconds >= 0`))
    .addPrimaryKeyConstraint("render_budget_days_pk", ["owner_id", "day"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("render_budget_days").execute();
  await db.schema.dropTable("active_renders").execute();
}
