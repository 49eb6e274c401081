import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestStack, type TestStack } from "../harness";
import { callProcedure, mapLimit, type HttpAnswer } from "./procedures";

// Its own stack: locally every request comes from 127.0.0.1 (`trust proxy` is off), so exhausting the per-IP
// budgets here must not starve the other suites.
let t: TestStack;
beforeAll(async () => {
  // The production limits (the harness raises the per-IP ones: every test signs up from 127.0.0.1), except the
  // first back-off: 2 s instead of 30, so that the test can wait it out.
  t = await startTestStack({ env: { RATE_LIMIT_SIGNUP_PER_IP: "10", RATE_LIMIT_SIGNIN_PER_IP: "50", RATE_LIMIT_SIGNIN_BACKOFF_SECONDS: "2" } });
}, 60_000);
afterAll(async () => t?.stop());

const signIn = (email: string, password: string, headers?: Record<string, string>) =>
  callProcedure(t.baseUrl, { path: "auth.signIn", type: "mutation" }, { email, password }, { headers });
const signUp = (email: string, headers?: Record<string, string>) =>
  callProcedure(t.baseUrl, { path: "auth.signUp", type: "mutation" }, { email, password: PASSWORD }, { headers });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(f: () => Promise<HttpAnswer>) {
  const start = performance.now();
  const r = await f();
  return { r, ms: performance.now() - start };
}

function expectRefused(r: HttpAnswer, maxSeconds = 15 * 60) {
  expect([r.status, r.code]).toEqual([429, "TOO_MANY_REQUESTS"]);
  expect(r.retryAfterSeconds).toBeGreaterThan(0);
  expect(r.retryAfterSeconds).toBeLessThanOrEqual(maxSeconds);
  expect(r.message).toMatch(/Wait \d+ (seconds?|minutes)/);
}

let signUps = 0;
async function newAccount(name: string) {
  const email = `${name}-${Date.now()}@example.com`;
  expect((await signUp(email)).status).toBe(200);
  signUps++;
  return email;
}

let bystander = "";
describe("rate limits (auth-service: per account 5 failures then a doubling back-off; 50 sign-ins and 10 sign-ups per IP per 15 min)", () => {
  it("wrong passwords are slowed, then the account backs off (case and spoofed X-Forwarded-For do not help)", async () => {
    const email = await newAccount("victim");
    const attempts: { r: HttpAnswer; ms: number }[] = [];
    for (let i = 0; i < 5; i++) {
      // the limit is per account, whatever the spelling of the address or the claimed client address
      const spelled = i % 2 ? email.toUpperCase() : email;
      attempts.push(await timed(() => signIn(spelled, `Wrong-Password-${i}`, { "x-forwarded-for": `10.0.0.${i}` })));
    }
    expect(attempts.map((a) => a.r.code)).toEqual(Array(5).fill("UNAUTHORIZED"));
    const ms = attempts.map((a) => Math.round(a.ms));
    // failures sleep 100 ms x the account's failures so far (up to 2 s): the last ones carry that delay
    expect(Math.min(...ms.slice(-2)), `durations ${ms.join(", ")}`).toBeGreaterThanOrEqual(350);
    expect(Math.min(...ms.slice(-2)), `durations ${ms.join(", ")}`).toBeGreaterThan(Math.max(...ms.slice(0, 2)));

    const refused = await signIn(email.toUpperCase(), "Wrong-Password-x", { "x-forwarded-for": "10.0.0.99" });
    expectRefused(refused, 2);
    expect(refused.message).toMatch(/failed sign-in attempts for this account/);
  });

  it("ten wrong passwords at once do not lock the owner out: after the back-off the right password signs in", async () => {
    const email = await newAccount("owner");
    const burst = await mapLimit(Array.from({ length: 10 }, (_, i) => i), 10, (i) => signIn(email, `Wrong-Password-${i}`));
    // the failures are counted as they start, so a parallel burst cannot outrun the limit
    expect(burst.filter((r) => r.code === "UNAUTHORIZED")).toHaveLength(5);
    expect(burst.filter((r) => r.code === "TOO_MANY_REQUESTS")).toHaveLength(5);
    await pause(2100);
    const owner = await signIn(email, PASSWORD);
    expect(owner.status).toBe(200);
    // the success forgave the failures: a typo afterwards is just a wrong password again
    expect((await signIn(email, "Wrong-Password-typo")).code).toBe("UNAUTHORIZED");
  });

  it("correct sign-ins never count against the account", async () => {
    const email = await newAccount("regular");
    const results: HttpAnswer[] = [];
    for (let i = 0; i < 12; i++) results.push(await signIn(email, PASSWORD));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
  });

  it("the back-off grows with each further failure, and the right password goes through once it is over", async () => {
    const email = await newAccount("persistent");
    for (let i = 0; i < 5; i++) expect((await signIn(email, `Wrong-Password-${i}`)).code).toBe("UNAUTHORIZED");
    const first = await signIn(email, "Wrong-Password-again");
    expectRefused(first, 2);
    await pause(first.retryAfterSeconds! * 1000 + 100);
    expect((await signIn(email, "Wrong-Password-6")).code).toBe("UNAUTHORIZED");
    const second = await signIn(email, "Wrong-Password-again");
    expectRefused(second, 4);
    // 2 s after the fifth failure, 4 s after the sixth (less the time the failure itself took to answer)
    expect(second.retryAfterSeconds!).toBeGreaterThan(first.retryAfterSeconds!);
    expect(second.retryAfterSeconds!).toBeGreaterThanOrEqual(3);
    // during the back-off even the right password waits (or the back-off would tell a guesser it was right) ...
    expectRefused(await signIn(email, PASSWORD), 4);
    // ... and once it is over, the right password goes through
    await pause(second.retryAfterSeconds! * 1000 + 100);
    expect((await signIn(email, PASSWORD)).status).toBe(200);
  }, 30_000);

  it("another account on the same network still signs in", async () => {
    bystander = await newAccount("bystander");
    const r = await signIn(bystander, PASSWORD);
    expect(r.status).toBe(200);
  });

  it("sign-ups are limited per IP (different e-mails), and X-Forwarded-For is not trusted", async () => {
    const results: HttpAnswer[] = [];
    for (let i = signUps; i < 10; i++) results.push(await signUp(`burst-${i}-${Date.now()}@example.com`, { "x-forwarded-for": `10.1.0.${i}` }));
    expect(results.map((r) => r.status)).toEqual(Array(10 - signUps).fill(200));
    const refused = await signUp(`one-too-many-${Date.now()}@example.com`);
    expectRefused(refused);
    expect(refused.message).toMatch(/sign-ups from this network/);
    expectRefused(await signUp(`spoofed-${Date.now()}@example.com`, { "x-forwarded-for": "203.0.113.7", "x-real-ip": "203.0.113.7", forwarded: "for=203.0.113.7" }));
  });

  it("sign-ins are limited per IP across accounts (50), then refused even for a valid account", async () => {
    // earlier tests spent some of the 50; unknown accounts fail like wrong passwords and count the same
    const burst = await mapLimit(Array.from({ length: 60 }, (_, i) => i), 20, (i) => signIn(`nobody-${i}-${Date.now()}@example.com`, "Wrong-Password-1"));
    expect(burst.every((r) => r.code === "UNAUTHORIZED" || r.code === "TOO_MANY_REQUESTS")).toBe(true);
    const refused = burst.filter((r) => r.code === "TOO_MANY_REQUESTS");
    expect(refused.length).toBeGreaterThan(0);
    expectRefused(refused[0]!);
    expect(refused[0]!.message).toMatch(/sign-in attempts from this network/);
    expectRefused(await signIn(bystander, PASSWORD));
  }, 60_000);
});
