import { sql } from "kysely";
import { mapPortErrors, type AudioRepository, type AudioTrack } from "@photoreel/core";
import type { Db } from "../client";
import { pgErrorToDomain } from "../errors";

const cols = ["id", "owner_id", "status", "filename", "content_type", "bytes", "duration_seconds", "reject_reason", "beats", "created_at"] as const;

const toTrack = (r: {
  id: string; owner_id: string; status: AudioTrack["status"]; filename: string; content_type: string;
  bytes: string | number; duration_seconds: number | null; reject_reason: string | null; beats: number[] | null; created_at: Date;
}): AudioTrack => ({
  id: r.id,
  ownerId: r.owner_id,
  status: r.status,
  filename: r.filename,
  contentType: r.content_type,
  bytes: Number(r.bytes),
  durationSeconds: r.duration_seconds,
  rejectReason: r.reject_reason,
  beats: r.beats,
  createdAt: r.created_at,
});

/** Tracks that count: uploading (declared size) and ready (real size); rejected ones are already deleted. */
async function usageOf(db: Db, ownerId: string) {
  const r = await db.selectFrom("audio_tracks")
    .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.coalesce(eb.fn.sum<string>("bytes"), sql<string>`0`).as("b")])
    .where("owner_id", "=", ownerId).where("status", "!=", "rejected").executeTakeFirstOrThrow();
  return { count: Number(r.n), bytes: Number(r.b) };
}

export const audioRepository = (db: Db): AudioRepository => mapPortErrors<AudioRepository>({
  insertWithinQuota: (row, quota) =>
    db.transaction().execute(async (tx) => {
      // The owner's users row is the lock: parallel uploads of one owner check and insert one at a time.
      await sql`select 1 from users where id = ${row.ownerId} for update`.execute(tx);
      const usage = await usageOf(tx, row.ownerId);
      if (usage.count + 1 > quota.count || usage.bytes + row.bytes > quota.bytes) return { ok: false, usage };
      await tx.insertInto("audio_tracks").values({ id: row.id, owner_id: row.ownerId, status: "uploading", filename: row.filename, content_type: row.contentType, bytes: row.bytes }).execute();
      return { ok: true, usage };
    }),
  usage: (ownerId) => usageOf(db, ownerId),
  async insert(row) {
    await db.insertInto("audio_tracks").values({ id: row.id, owner_id: row.ownerId, status: "uploading", filename: row.filename, content_type: row.contentType, bytes: row.bytes }).execute();
  },
  async get(ownerId, id) {
    const r = await db.selectFrom("audio_tracks").select(cols).where("owner_id", "=", ownerId).where("id", "=", id).executeTakeFirst();
    return r ? toTrack(r) : null;
  },
  async list(ownerId) {
    const rows = await db.selectFrom("audio_tracks").select(cols).where("owner_id", "=", ownerId).where("status", "!=", "rejected").orderBy("created_at", "desc").limit(200).execute();
    return rows.map(toTrack);
  },
  async update(ownerId, id, patch, opts = {}) {
    const set: Record<string, unknown> = { updated_at: sql`now()` };
    if (patch.status) set.status = patch.status;
    if (patch.bytes !== undefined) set.bytes = patch.bytes;
    if (patch.durationSeconds !== undefined) set.duration_seconds = patch.durationSeconds;
    if (patch.rejectReason !== undefined) set.reject_reason = patch.rejectReason;
    if (patch.beats !== undefined) set.beats = patch.beats;
    let q = db.updateTable("audio_tracks").set(set).where("owner_id", "=", ownerId).where("id", "=", id);
    if (opts.fromStatus) q = q.where("status", "in", opts.fromStatus);
    const r = await q.returning(cols).executeTakeFirst();
    return r ? toTrack(r) : null;
  },
  async delete(ownerId, id) {
    const r = await db.deleteFrom("audio_tracks").where("owner_id", "=", ownerId).where("id", "=", id).returning(cols).executeTakeFirst();
    return r ? toTrack(r) : null;
  },
  async listReadyAfter(afterId, limit) {
    let q = db.selectFrom("audio_tracks").select(cols).where("status", "=", "ready");
    if (afterId) q = q.where("id", ">", afterId);
    return (await q.orderBy("id").limit(limit).execute()).map(toTrack);
  },
}, pgErrorToDomain);
