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
});
