import { startThrowawayPostgres } from "@photoreel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, trpcHttp, type TestStack } from "./harness";

// A burst of createUploads over HTTP while PostgreSQL restarts: the HTTP answers (503, never another 5xx) are the
// server's. It stays here when the rest of faults.int.test.ts (the render pipeline's faults) moved to apps/worker.
describe("the database restarts during a burst of requests", () => {
  let pg: Awaited<ReturnType<typeof startThrowawayPostgres>>;
  let t: TestStack;
  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    // The burst makes as many 10-photo batches as the machine manages in 4 s; a quiet one went past the default
    // photo quota, which answers PRECONDITION_FAILED rather than the outage under test.
    t = await startTestStack({ databaseUrl: pg.url, env: { QUOTA_PHOTOS: "1000000" } });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await pg?.stop();
  });

  it("fails cleanly with a retryable error, recovers, and leaves no half-written batch", async () => {
    const { accessToken } = await t.signUp();
    const statuses: number[] = [];
    const okBatches = new Set<number>();
    let n = 0;
    const fire = async () => {
      const batch = n++;
      const files = Array.from({ length: 10 }, (_, i) => ({ filename: `b${batch}-${i}.jpg`, contentType: "image/jpeg", bytes: 1000 }));
      const res = await trpcHttp(t.baseUrl, "photos.createUploads", { files }, { token: accessToken });
      statuses.push(res.status);
      if (res.status === 200) okBatches.add(batch);
      else expect(res.body.error?.data.code).toBe("SERVICE_UNAVAILABLE");
    };
    const burst = (async () => {
      const end = Date.now() + 4000;
      while (Date.now() < end) await Promise.all([fire(), fire(), fire(), fire()]);
    })();
    await new Promise((r) => setTimeout(r, 1000));
    await pg.restart();
    await burst;
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses).toContain(200);
    // The pool recovered: a fresh request succeeds.
    await fire();
    expect(statuses.at(-1)).toBe(200);
    // Every batch is all or nothing.
    const { rows } = await (await import("kysely")).sql<{ name: string }>`select filename as name from photos`.execute(t.app.db);
    const perBatch = new Map<number, number>();
    for (const r of rows) {
      const b = Number(/^b(\d+)-/.exec(r.name)![1]);
      perBatch.set(b, (perBatch.get(b) ?? 0) + 1);
    }
    for (const [b, count] of perBatch) expect(count, `batch ${b}`).toBe(10);
    for (const b of okBatches) expect(perBatch.get(b)).toBe(10);
  }, 60_000);
});
