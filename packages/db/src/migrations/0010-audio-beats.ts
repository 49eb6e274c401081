import { sql, type Kysely } from "kysely";

// Cut on the beat (issue 16): a music track's beat times in seconds, found once when the track is accepted.
// NULL for tracks accepted before this (or still uploading); an empty array when no steady pulse was found.
// Bounded by the detector (at most 2000, the first ten minutes); the check keeps a bad writer from storing more.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("audio_tracks")
    .addColumn("beats", sql`double precision[]`, (c) => c.check(sql`cardinality(beats) <= 2000`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("audio_tracks").dropColumn("beats").execute();
}
