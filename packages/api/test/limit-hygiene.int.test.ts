import { afterAll, beforeAll, expect, it } from "vitest";
import { PASSWORD, startTestStack, type TestStack } from "../src/testing";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

it("the 6-hourly hygiene removes limit counters untouched for over a day, and a sprayed address leaves nothing behind", async () => {
  const anon = t.callerFor(null);
  // A spray of sign-ins at addresses that do not exist: each leaves an account counter (and the network's).
  const sprayed = Array.from({ length: 5 }, (_, i) => `nobody${i}-${Date.now()}@example.com`);
  for (const email of sprayed) await expect(anon.auth.signIn({ email, password: PASSWORD })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  const keys = async () => (await t.app.db.selectFrom("rate_limits").select("key").orderBy("key").execute()).map((r) => r.key);
  const age = (hours: number, like: "like" | "not like") =>
    t.app.db.updateTable("rate_limits").set({ window_start: new Date(Date.now() - hours * 3600_000) }).where("key", like, "%nobody%").execute();
  const before = await keys();
  expect(before.filter((k) => sprayed.some((e) => k.includes(e)))).toHaveLength(5);

  await age(26, "like");
  await age(23, "not like");
  expect(await t.app.services.auth.forgetStaleLimits()).toBe(5);
  const after = await keys();
  expect(after.some((k) => k.includes("nobody"))).toBe(false);
  // What is younger than a day stays: it may still hold a window or a run of failures.
  expect(after).toEqual(before.filter((k) => !k.includes("nobody")));
});
