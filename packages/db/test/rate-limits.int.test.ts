import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgRateLimiter } from "../src/index";
import { createTestDatabase } from "../src/testing";

describe("the failure back-off counter (real PostgreSQL)", () => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    t = await createTestDatabase();
  }, 30_000);
  afterAll(async () => t?.drop());
  const policy = { freeFailures: 2, baseSeconds: 30, maxSeconds: 900, forgetSeconds: 86_400 };

  it("a key with no failures is never made to wait, even when its row reads a millisecond in the future (rounding)", async () => {
    const limiter = pgRateLimiter(t.db);
    // window_start is timestamptz(3): a row made in this same millisecond can round up past this transaction's now().
    await sql`insert into rate_limits (key, window_start, hits) values ('fresh', now() + interval '2 milliseconds', 0)`.execute(t.db);
    expect(await limiter.attempt("fresh", policy)).toMatchObject({ allowed: true, failures: 1 });
  });

  it("free failures pass, the next waits, and a success forgives", async () => {
    const limiter = pgRateLimiter(t.db);
    expect((await limiter.attempt("k", policy)).allowed).toBe(true);
    expect((await limiter.attempt("k", policy)).allowed).toBe(true);
    expect(await limiter.attempt("k", policy)).toMatchObject({ allowed: false, failures: 2, retryAfterSeconds: 30 });
    await limiter.succeeded("k");
    expect((await limiter.attempt("k", policy)).allowed).toBe(true);
  });

  it("forgets only counters older than asked, and a key whose counter went starts afresh", async () => {
    const limiter = pgRateLimiter(t.db);
    await limiter.hit("ip:old", 10, 900);
    await limiter.hit("ip:new", 10, 900);
    for (let i = 0; i < 3; i++) await limiter.attempt("account:old", policy);
    await sql`update rate_limits set window_start = now() - interval '2 days' where key in ('ip:old', 'account:old')`.execute(t.db);
    expect(await limiter.forgetOlderThan(86_400 + 3600)).toBe(2);
    const left = await sql<{ key: string }>`select key from rate_limits where key in ('ip:old', 'ip:new', 'account:old') order by key`.execute(t.db);
    expect(left.rows.map((r) => r.key)).toEqual(["ip:new"]);
    expect(await limiter.hit("ip:old", 10, 900)).toMatchObject({ allowed: true, hits: 1 });
    expect(await limiter.attempt("account:old", policy)).toMatchObject({ allowed: true, failures: 1 });
  });

  it("an attempt whose counter is forgotten while it runs counts as the key's first failure", async () => {
    const limiter = pgRateLimiter(t.db);
    // The row vanishes after attempt's own insert and before its locked read: what a prune between the two does.
    await sql`create function vanish() returns trigger language plpgsql as $$ begin delete from rate_limits where key = 'racing'; return null; end $$`.execute(t.db);
    await sql`create trigger vanish after insert on rate_limits for each row when (new.key = 'racing' and new.hits = 0) execute function vanish()`.execute(t.db);
    try {
      expect(await limiter.attempt("racing", policy)).toMatchObject({ allowed: true, failures: 1 });
      const row = await sql<{ hits: number }>`select hits from rate_limits where key = 'racing'`.execute(t.db);
      expect(row.rows).toEqual([{ hits: 1 }]);
    } finally {
      await sql`drop trigger vanish on rate_limits`.execute(t.db);
      await sql`drop function vanish()`.execute(t.db);
    }
  });
});
