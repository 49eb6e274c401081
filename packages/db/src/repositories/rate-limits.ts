import { sql } from "kysely";
import type { RateLimiter } from "@photoreel/core";
import type { Db } from "../client";

/** Fixed-window counter in PostgreSQL, so limits hold across every API task behind the load balancer. */
export const pgRateLimiter = (db: Db): RateLimiter => ({
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
});
