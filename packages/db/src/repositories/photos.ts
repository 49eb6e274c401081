import { sql } from "kysely";
import { mapPortErrors, type Photo, type PhotoPatch, type PhotoRepository } from "@photoreel/core";
import type { Db } from "../client";
import { pgErrorToDomain } from "../errors";
import type { Selectable } from "kysely";
import type { PhotosTable } from "../schema";
import { decodeCursor, encodeCursor } from "./cursor";
import { containsPattern } from "./like";

const photoColumns = [
  "id", "owner_id", "status", "filename", "content_type", "bytes", "upload_id", "width", "height", "taken_at",
  "orientation", "sha256", "camera_make", "camera_model", "caption", "reject_reason", "duplicate_of", "focal_x", "focal_y",
  "created_at", "updated_at",
] as const;

type Row = Selectable<PhotosTable>;

const toPhoto = (r: Row): Photo => ({
  id: r.id,
  ownerId: r.owner_id,
  status: r.status,
  filename: r.filename,
  contentType: r.content_type,
  bytes: Number(r.bytes),
  uploadId: r.upload_id,
  width: r.width,
  height: r.height,
  takenAt: r.taken_at,
  orientation: r.orientation,
  sha256: r.sha256,
  cameraMake: r.camera_make,
  cameraModel: r.camera_model,
  caption: r.caption,
  rejectReason: r.reject_reason,
  duplicateOf: r.duplicate_of,
  // Postgres `real` comes back as a JS number; both or neither (a check constraint).
  focal: r.focal_x === null || r.focal_y === null ? null : { x: r.focal_x, y: r.focal_y },
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (p: PhotoPatch) => {
  const out: Record<string, unknown> = {};
  const map: Record<string, string> = {
    status: "status", filename: "filename", contentType: "content_type", bytes: "bytes", uploadId: "upload_id",
    width: "width", height: "height", takenAt: "taken_at", orientation: "orientation", sha256: "sha256",
    cameraMake: "camera_make", cameraModel: "camera_model", caption: "caption", rejectReason: "reject_reason", duplicateOf: "duplicate_of",
  };
  for (const [k, v] of Object.entries(p)) if (v !== undefined && map[k]) out[map[k]] = v;
  if (p.focal !== undefined) {
    out.focal_x = p.focal?.x ?? null;
    out.focal_y = p.focal?.y ?? null;
  }
  return out;
};

const sortExpr = sql<Date>`coalesce(taken_at, created_at)`;

export const photoRepository = (db: Db): PhotoRepository => mapPortErrors<PhotoRepository>({
  async insertMany(rows) {
    if (rows.length === 0) return;
    await db
      .insertInto("photos")
      .values(rows.map((r) => ({ id: r.id, owner_id: r.ownerId, status: "uploading" as const, filename: r.filename, content_type: r.contentType, bytes: r.bytes, upload_id: r.uploadId })))
      .execute();
  },

  async get(ownerId, id) {
    const r = await db.selectFrom("photos").select(photoColumns).where("owner_id", "=", ownerId).where("id", "=", id).executeTakeFirst();
    return r ? toPhoto(r) : null;
  },

  async getMany(ownerId, ids) {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom("photos").select(photoColumns).where("owner_id", "=", ownerId).where("id", "in", ids).execute();
    return rows.map(toPhoto);
  },

  async list(ownerId, { sort, limit, cursor, status, words, from, to }) {
    let q = db.selectFrom("photos").select(photoColumns).where("owner_id", "=", ownerId);
    if (status?.length) q = q.where("status", "in", status);
    // The same expression as the (owner_id, search text) trigram index of migration 0006, so that index answers.
    for (const w of words ?? []) q = q.where(sql<boolean>`(filename || ' ' || coalesce(caption, '')) ilike ${containsPattern(w)}`);
    if (from) q = q.where(sortExpr, ">=", from);
    if (to) q = q.where(sortExpr, "<", to);
    if (sort === "taken") {
      q = q.orderBy(sortExpr, "desc").orderBy("id", "desc");
      if (cursor) {
        const [at, id] = decodeCursor(cursor, 2) as [string, string];
        q = q.where(sql<boolean>`(coalesce(taken_at, created_at), id) < (${new Date(at)}::timestamptz, ${id}::uuid)`);
      }
    } else {
      q = q.orderBy("created_at", "desc").orderBy("id", "desc");
      if (cursor) {
        const [at, id] = decodeCursor(cursor, 2) as [string, string];
        q = q.where(sql<boolean>`(created_at, id) < (${new Date(at)}::timestamptz, ${id}::uuid)`);
      }
    }
    const rows = await q.limit(limit + 1).execute();
    const items = rows.slice(0, limit).map(toPhoto);
    const last = items.at(-1);
    const key = last ? (sort === "taken" ? (last.takenAt ?? last.createdAt) : last.createdAt) : null;
    return { items, nextCursor: rows.length > limit && last && key ? encodeCursor([key.toISOString(), last.id]) : null };
  },

  async update(ownerId, id, patch, opts) {
    let q = db
      .updateTable("photos")
      .set({ ...toRow(patch), updated_at: sql`now()` })
      .where("owner_id", "=", ownerId)
      .where("id", "=", id);
    if (opts?.fromStatus) q = q.where("status", "in", opts.fromStatus);
    const r = await q.returning(photoColumns).executeTakeFirst();
    return r ? toPhoto(r) : null;
  },

  async deleteMany(ownerId, ids) {
    if (ids.length === 0) return [];
    const rows = await db.deleteFrom("photos").where("owner_id", "=", ownerId).where("id", "in", ids).returning(photoColumns).execute();
    return rows.map(toPhoto);
  },

  async findReadyBySha(ownerId, sha256, excludeId) {
    const r = await db
      .selectFrom("photos")
      .select(photoColumns)
      .where("owner_id", "=", ownerId)
      .where("sha256", "=", sha256)
      .where("status", "=", "ready")
      .where("id", "!=", excludeId)
      .orderBy("created_at")
      .executeTakeFirst();
    return r ? toPhoto(r) : null;
  },

  async usage(ownerId) {
    const r = await db
      .selectFrom("photos")
      .select([sql<number>`count(*)::int`.as("count"), sql<number>`coalesce(sum(bytes), 0)::bigint`.as("bytes")])
      .where("owner_id", "=", ownerId)
      .where("status", "!=", "rejected")
      .executeTakeFirstOrThrow();
    return { count: Number(r.count), bytes: Number(r.bytes) };
  },

  async listStale(status, before, limit) {
    const rows = await db.selectFrom("photos").select(photoColumns).where("status", "=", status).where("updated_at", "<", before).limit(limit).execute();
    return rows.map(toPhoto);
  },

  async listReadyAfter(afterId, limit) {
    let q = db.selectFrom("photos").select(photoColumns).where("status", "=", "ready");
    if (afterId) q = q.where("id", ">", afterId);
    return (await q.orderBy("id").limit(limit).execute()).map(toPhoto);
  },
}, pgErrorToDomain);
