import { sql, type Kysely } from "kysely";

// Focal points (issue 16): where a photo's subject is, as fractions (0..1) of the auto-oriented photo, found once when
// the photo is processed and editable by its owner. Cover crops and Ken Burns keep this point in frame.
// NULL (both) means the centre: photos processed before this migration are not backfilled; they render as before
// until their owner sets a point (a backfill would re-decode every original, so it is left for a later job).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("photos")
    .addColumn("focal_x", "real", (c) => c.check(sql`focal_x >= 0 and focal_x <= 1`))
    .addColumn("focal_y", "real", (c) => c.check(sql`focal_y >= 0 and focal_y <= 1`))
    .execute();
  // Both or neither: half a point has no meaning.
  await sql`alter table photos add constraint photos_focal_both check ((focal_x is null) = (focal_y is null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table photos drop constraint if exists photos_focal_both`.execute(db);
  await db.schema.alterTable("photos").dropColumn("focal_x").dropColumn("focal_y").execute();
}
