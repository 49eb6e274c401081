import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestStack, type TestStack } from "../harness";
import { callProcedure, mapLimit, type HttpAnswer } from "./procedures";

// Its own stack: locally every request comes from 127.0.0.1 (`trust proxy` is off), so exhausting the per-IP
// budgets here must not starve the other suites.
let t: TestStack;
beforeAll(async () => {
  // The production limits (the harness raises the per-IP ones: every test signs up from 127.0.0.1).
  t = await startTestStack({ env: { RATE_LIMIT_SIGNUP_PER_IP: "10", RATE_LIMIT_SIGNIN_PER_IP: "50" } });
}, 60_000);
afterAll(async () => t?.stop());

const signIn = (email: string, password: string, headers?: Record<string, string>) =>
  callProcedure(t.baseUrl, { path: "auth.signIn", type: "mutation" }, { email, password }, { headers });
const signUp = (email: string, headers?: Record<string, string>) =>
  callProcedure(t.baseUrl, { path: "auth.signUp", type: "mutation" }, { email, password: PASSWORD }, { headers });

async function timed(f: () => Promise<HttpAnswer>) {
  const start = performance.now();
  const r = await f();
  return { r, ms: performance.now() - start };
}

function expectRefused(r: HttpAnswer) {
  expect([r.status, r.code]).toEqual([429, "TOO_MANY_REQUESTS"]);
  expect(r.retryAfterSeconds).toBeGreaterThan(0);
  expect(r.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
  expect(r.message).toMatch(/Wait \d+ minutes/);
}

let signUps = 0;
let bystander = "";
describe("rate limits (auth-service: 10 sign-ins per account, 50 per IP, 10 sign-ups per IP, per 15 min)", () => {
  it("a burst of wrong passwords for one account is slowed, then refused (case and spoofed X-Forwarded-For do not help)", async () => {
    const email = `victim-${Date.now()}@example.com`;
    expect((await signUp(email)).status).toBe(200);
    signUps++;
    const attempts: { r: HttpAnswer; ms: number }[] = [];
    for (let i = 0; i < 10; i++) {
      // the limit is per account, whatever the spelling of the address or the claimed client address
      const spelled = i % 2 ? email.toUpperCase() : email;
      attempts.push(await timed(() => signIn(spelled, `Wrong-Password-${i}`, { "x-forwarded-for": `10.0.0.${i}` })));
    }
    expect(attempts.map((a) => a.r.code)).toEqual(Array(10).fill("UNAUTHORIZED"));
    const ms = attempts.map((a) => Math.round(a.ms));
    // failures sleep 100 ms x the attempt count (up to 2 s): the last ones must carry that delay
    expect(Math.min(...ms.slice(-3)), `durations ${ms.join(", ")}`).toBeGreaterThanOrEqual(750);
    expect(Math.min(...ms.slice(-3)), `durations ${ms.join(", ")}`).toBeGreaterThan(Math.max(...ms.slice(0, 3)));

    const refused = await timed(() => signIn(email, "Wrong-Password-x"));
    expectRefused(refused.r);
    expect(refused.r.message).toMatch(/sign-in attempts for this account/);
    // now even the right password is refused: the account is locked for the window
    expectRefused(await signIn(email.toUpperCase(), PASSWORD));
  });

  it("another account on the same network still signs in", async () => {
    bystander = `bystander-${Date.now()}@example.com`;
    expect((await signUp(bystander)).status).toBe(200);
    signUps++;
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
