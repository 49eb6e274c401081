import { sql } from "kysely";
import { backoffSeconds, mapPortErrors, type RateLimiter } from "@photoreel/core";
import type { Db } from "../client";
import { pgErrorToDomain } from "../errors";

/**
 * Counters in PostgreSQL, so limits hold across every API task behind the load balancer. `hit` is a fixed window
 * (`window_start` opens it, `hits` counts); `attempt` reuses the columns as a failure run (`window_start` is the
 * last counted attempt, `hits` the failures in a row), and its row is locked while it decides.
 */
export const pgRateLimiter = (db: Db): RateLimiter => mapPortErrors<RateLimiter>({
  async hit(key, limit, windowSeconds) {
    const r = await sql<{ hits: number; window_start: Date }>`
      insert into rate_limits (key, window_start, hits) values (${key}, now(), 1)
      on conflict (key) do update set
        hits = case when rate_limits.window_start < now() - make_interval(secs => ${windowSeconds}) then 1 else rate_limits.hits + 1 end,
        window_start = case when rate_limits.window_start < now() - make_interval(secs => ${windowSeconds}) then now() else rate_limits.window_start end
      returning hits, window_start`.execute(db);
    const row = r.rows[0]!;
    const allowed = row.hits <= limit;
    const retryAfterSeconds = allowed ? 0 : Math.max(1, Math.ceil(windowSeconds - (Date.now() - new Date(row.window_start).getTime()) / 1000));
    return { allowed, hits: row.hits, retryAfterSeconds };
  },

  async attempt(key, policy) {
    await sql`insert into rate_limits (key, window_start, hits) values (${key}, now(), 0) on conflict (key) do nothing`.execute(db);
    return db.transaction().execute(async (trx) => {
      const r = await sql<{ hits: number; age_s: number }>`
        select hits, extract(epoch from now() - window_start)::float8 as age_s from rate_limits where key = ${key} for update`.execute(trx);
      // No row: `forgetOlderThan` removed an old one between the insert above and this read. It held no failures
      // that still count (only rows past every forget time are removed), so the key starts afresh.
      const row = r.rows[0] ?? { hits: 0, age_s: Number.POSITIVE_INFINITY };
      const failures = row.age_s > policy.forgetSeconds ? 0 : row.hits;
      // window_start is stored to the millisecond, rounded: a row made in this same millisecond can read as a
      // fraction of a millisecond in the future, which must not count as a wait when no back-off is due.
      const backoff = backoffSeconds(policy, failures);
      const wait = backoff > 0 ? backoff - Math.max(0, row.age_s) : 0;
      if (wait > 0) return { allowed: false, failures, retryAfterSeconds: Math.ceil(wait) };
      await sql`
        insert into rate_limits (key, window_start, hits) values (${key}, now(), ${failures + 1})
        on conflict (key) do update set hits = excluded.hits, window_start = excluded.window_start`.execute(trx);
      return { allowed: true, failures: failures + 1, retryAfterSeconds: 0 };
    });
  },

  async succeeded(key) {
    // Reset rather than delete: a concurrent `attempt` counts on the row it just made sure of.
    await sql`update rate_limits set hits = 0 where key = ${key}`.execute(db);
  },

  async forgetOlderThan(seconds) {
    const r = await sql`delete from rate_limits where window_start < now() - make_interval(secs => ${seconds})`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  },
}, pgErrorToDomain);
