import { sql } from "kysely";
import type { AudioRepository, AudioTrack } from "@photoreel/core";
import type { Db } from "../client";

const cols = ["id", "owner_id", "status", "filename", "content_type", "bytes", "duration_seconds", "reject_reason", "created_at"] as const;

const toTrack = (r: {
  id: string; owner_id: string; status: AudioTrack["status"]; filename: string; content_type: string;
  bytes: string | number; duration_seconds: number | null; reject_reason: string | null; created_at: Date;
}): AudioTrack => ({
  id: r.id,
  ownerId: r.owner_id,
  status: r.status,
  filename: r.filename,
  contentType: r.content_type,
  bytes: Number(r.bytes),
  durationSeconds: r.duration_seconds,
  rejectReason: r.reject_reason,
  createdAt: r.created_at,
});

export const audioRepository = (db: Db): AudioRepository => ({
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
  async update(ownerId, id, patch) {
    const set: Record<string, unknown> = { updated_at: sql`now()` };
    if (patch.status) set.status = patch.status;
    if (patch.bytes !== undefined) set.bytes = patch.bytes;
    if (patch.durationSeconds !== undefined) set.duration_seconds = patch.durationSeconds;
    if (patch.rejectReason !== undefined) set.reject_reason = patch.rejectReason;
    const r = await db.updateTable("audio_tracks").set(set).where("owner_id", "=", ownerId).where("id", "=", id).returning(cols).executeTakeFirst();
    return r ? toTrack(r) : null;
  },
  async delete(ownerId, id) {
    const r = await db.deleteFrom("audio_tracks").where("owner_id", "=", ownerId).where("id", "=", id).returning(cols).executeTakeFirst();
    return r ? toTrack(r) : null;
  },
});
