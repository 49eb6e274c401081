import { sql } from "kysely";
import { mapPortErrors, type RenderBudgetRepository, type RenderSlotRepository } from "@photoreel/core";
import type { Db } from "../client";
import { pgErrorToDomain } from "../errors";

/**
 * Active-job slots in PostgreSQL (jobs live in DynamoDB, whose stand-in has no transactions; the API, which admits
 * every job, already holds a database connection). Each acquisition locks the owner's users row first, so one
 * owner's admissions run one at a time while other owners are not held up.
 */
export const renderSlotRepository = (db: Db): RenderSlotRepository => mapPortErrors<RenderSlotRepository>({
  acquire: (ownerId, videoId, attempt, limit) =>
    db.transaction().execute(async (tx) => {
      await sql`select 1 from users where id = ${ownerId} for update`.execute(tx);
      const moved = await tx.updateTable("active_renders").set({ attempt, acquired_at: sql`now()` })
        .where("video_id", "=", videoId).where("owner_id", "=", ownerId).executeTakeFirst();
      const { n } = await tx.selectFrom("active_renders").select((eb) => eb.fn.countAll<string>().as("n"))
        .where("owner_id", "=", ownerId).executeTakeFirstOrThrow();
      const held = Number(n);
      if (moved.numUpdatedRows > 0n) return { ok: true, held };
      if (held >= limit) return { ok: false, held };
      await tx.insertInto("active_renders").values({ video_id: videoId, owner_id: ownerId, attempt }).execute();
      return { ok: true, held: held + 1 };
    }),
  async release(ownerId, videoId, attempt) {
    let q = db.deleteFrom("active_renders").where("owner_id", "=", ownerId).where("video_id", "=", videoId);
    if (attempt !== undefined) q = q.where("attempt", "=", attempt);
    await q.execute();
  },
  async list(ownerId) {
    const rows = await db.selectFrom("active_renders").select(["video_id", "attempt", "acquired_at"]).where("owner_id", "=", ownerId).execute();
    return rows.map((r) => ({ videoId: r.video_id, attempt: r.attempt, acquiredAt: r.acquired_at }));
  },
}, pgErrorToDomain);

/** One conditional upsert per charge: the day's total only moves when it stays within the limit. */
export const renderBudgetRepository = (db: Db): RenderBudgetRepository => mapPortErrors<RenderBudgetRepository>({
  async charge(ownerId, day, seconds, limit) {
    const r = await sql<{ seconds: number }>`
      insert into render_budget_days (owner_id, day, seconds)
      select ${ownerId}, ${day}::date, ${seconds}::double precision where ${seconds}::double precision <= ${limit}::double precision
      on conflict (owner_id, day) do update set seconds = render_budget_days.seconds + excluded.seconds
        where render_budget_days.seconds + excluded.seconds <= ${limit}::double precision
      returning seconds`.execute(db);
    if (r.rows[0]) return { ok: true, used: r.rows[0].seconds };
    const cur = await db.selectFrom("render_budget_days").select("seconds").where("owner_id", "=", ownerId).where("day", "=", day).executeTakeFirst();
    return { ok: false, used: cur?.seconds ?? 0 };
  },
  async refund(ownerId, day, seconds) {
    await sql`update render_budget_days set seconds = greatest(0, seconds - ${seconds}::double precision)
      where owner_id = ${ownerId} and day = ${day}::date`.execute(db);
  },
}, pgErrorToDomain);
