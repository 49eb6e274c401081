import { sql } from "kysely";
import { mapPortErrors, type Page, type User, type UserRepository, type UserStats } from "@photoreel/core";
import type { Db } from "../client";
import { pgErrorToDomain } from "../errors";
import { decodeCursor, encodeCursor } from "./cursor";
import { containsPattern } from "./like";

export const userRepository = (db: Db): UserRepository => mapPortErrors<UserRepository>({
  async ensure(id, email) {
    const row = await db
      .insertInto("users")
      .values({ id, email })
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({ last_seen_at: sql`now()` }).where("users.last_seen_at", "<", sql<Date>`now() - interval '1 minute'`),
      )
      .returning(["id", "email", "created_at", "deleted_at"])
      .executeTakeFirst();
    if (row) return { id: row.id, email: row.email, createdAt: row.created_at, deletedAt: row.deleted_at };
    const existing = await db.selectFrom("users").select(["id", "email", "created_at", "deleted_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    return { id: existing.id, email: existing.email, createdAt: existing.created_at, deletedAt: existing.deleted_at };
  },

  async setEmail(id, email) {
    await db.updateTable("users").set({ email }).where("id", "=", id).where("email", "!=", email).execute();
  },

  async get(id) {
    const r = await db.selectFrom("users").select(["id", "email", "created_at", "deleted_at"]).where("id", "=", id).executeTakeFirst();
    return r ? ({ id: r.id, email: r.email, createdAt: r.created_at, deletedAt: r.deleted_at } satisfies User) : null;
  },

  async markDeleted(id) {
    await db.updateTable("users").set({ deleted_at: sql`now()` }).where("id", "=", id).execute();
  },

  async listWithStats({ limit, cursor, search }) {
    let q = db
      .selectFrom("users")
      .leftJoin("photos", (j) => j.onRef("photos.owner_id", "=", "users.id").on("photos.status", "!=", "rejected"))
      .select([
        "users.id",
        "users.email",
        "users.created_at",
        "users.last_seen_at",
        sql<number>`count(photos.id)::int`.as("photo_count"),
        sql<number>`coalesce(sum(photos.bytes), 0)::bigint`.as("photo_bytes"),
      ])
      .where("users.deleted_at", "is", null)
      .groupBy("users.id")
      .orderBy("users.created_at", "desc")
      .orderBy("users.id", "desc")
      .limit(limit + 1);
    if (search) q = q.where("users.email", "ilike", containsPattern(search));
    if (cursor) {
      const [at, id] = decodeCursor(cursor, 2) as [string, string];
      q = q.where((eb) => eb.or([eb("users.created_at", "<", new Date(at)), eb.and([eb("users.created_at", "=", new Date(at)), eb("users.id", "<", id)])]));
    }
    const rows = await q.execute();
    const items: UserStats[] = rows.slice(0, limit).map((r) => ({
      id: r.id,
      email: r.email,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      photoCount: Number(r.photo_count),
      photoBytes: Number(r.photo_bytes),
    }));
    const last = items.at(-1);
    const page: Page<UserStats> = { items, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
    return page;
  },

  async count() {
    const r = await db.selectFrom("users").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
    return Number(r.n);
  },
}, pgErrorToDomain);
