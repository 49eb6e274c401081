import { createCaller, createInnerContext } from "@photoreel/api";
import { limitsFromConfig } from "@photoreel/bootstrap/services";
import { createAuthService, systemClock, type ServiceDeps } from "@photoreel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestStack, type TestStack } from "../harness";
import { callProcedure, type HttpAnswer } from "./procedures";

// Confirmation and admin rights. The embedded stack confirms sign-ups itself (there is no e-mail), so the AWS flow,
// where Cognito e-mails a code, is the same services over the same stand-ins with `autoConfirmSignUp: false`;
// the stand-in hands the codes to the test kit instead of e-mailing them.
let t: TestStack;
const run = Date.now();
const listed = (name: string) => `${name}-${run}@example.com`;
const ADMINS = [listed("boss-unverified"), listed("boss-verified"), listed("boss-later")];

beforeAll(async () => {
  t = await startTestStack({ env: { ADMIN_EMAILS: ADMINS.join(",") } });
}, 60_000);
afterAll(async () => t?.stop());

/** The API's services with the auth service rebuilt over the same adapters, as AWS (or `over`) would set it up. */
function services(over: Partial<ServiceDeps> = {}) {
  const auth = createAuthService({
    ...t.app.adapters,
    limits: limitsFromConfig(t.config),
    clock: systemClock,
    publicUrl: t.config.PUBLIC_URL,
    autoConfirmSignUp: false,
    adminEmails: ADMINS,
    rateLimits: { signUpPerIp: 1000, signInPerIp: 1000, signInPerAccount: 5, signInBackoffSeconds: 2 },
    ...over,
  });
  return { ...t.app.services, auth };
}
const anonymous = (s: ReturnType<typeof services>, ip = "127.0.0.1") => createCaller(createInnerContext({ services: s, user: null, ip }));
const codeFor = (email: string) => t.cognitoMessages.findLast((m) => m.destination === email)?.code;
const groupsOf = async (accessToken: string) => (await t.app.verifier.verifyAccessToken(accessToken)).groups;
const failure = (e: unknown) => ({ code: (e as { code?: string }).code, message: (e as Error).message });
const confirmHttp = (email: string, code: string) => callProcedure(t.baseUrl, { path: "auth.confirmSignUp", type: "mutation" }, { email, code });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("auth.confirmSignUp: one answer, limited like sign-in", () => {
  it("an unknown address, a confirmed account and a wrong code answer exactly alike", async () => {
    const { email: confirmed } = await t.signUp();
    const emailed = anonymous(services());
    const pending = listed("pending");
    await emailed.auth.signUp({ email: pending, password: PASSWORD });
    expect(codeFor(pending)).toMatch(/^\d+$/);

    const answers: HttpAnswer[] = [
      await confirmHttp(`nobody-${run}@example.com`, "123456"),
      await confirmHttp(confirmed, "123456"),
      await confirmHttp(pending, codeFor(pending) === "000000" ? "000001" : "000000"),
    ];
    expect(answers.map((a) => [a.status, a.code, a.message])).toEqual(Array(3).fill([400, "BAD_REQUEST", answers[0]!.message]));
    expect(answers[0]!.message).toMatch(/code is not right/);
  });

  it("wrong codes for one address back off like wrong passwords; the right code after the back-off confirms", async () => {
    const emailed = anonymous(services());
    const email = listed("guessed");
    await emailed.auth.signUp({ email, password: PASSWORD });
    const code = codeFor(email)!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(code.length, "0");
    for (let i = 0; i < 5; i++) await expect(emailed.auth.confirmSignUp({ email, code: wrong })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const refused = await emailed.auth.confirmSignUp({ email, code: wrong }).catch(failure);
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/failed confirmation attempts for this account/) });
    await pause(2100);
    await expect(emailed.auth.confirmSignUp({ email, code })).resolves.toEqual({ confirmed: true });
    await expect(emailed.auth.signIn({ email, password: PASSWORD })).resolves.toMatchObject({ accessToken: expect.any(String) });
  });

  it("an unknown address backs off the same way (the limit tells nothing either)", async () => {
    const emailed = anonymous(services());
    const email = `nobody-limited-${run}@example.com`;
    for (let i = 0; i < 5; i++) await expect(emailed.auth.confirmSignUp({ email, code: "123456" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(emailed.auth.confirmSignUp({ email, code: "123456" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("confirmations are limited per network across addresses", async () => {
    const emailed = anonymous(services({ rateLimits: { signUpPerIp: 1000, signInPerIp: 3, signInPerAccount: 5, signInBackoffSeconds: 2 } }), "203.0.113.9");
    const answers: ReturnType<typeof failure>[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await emailed.auth.confirmSignUp({ email: `spray-${i}-${run}@example.com`, code: "123456" }).then(() => ({ code: "OK", message: "" }), failure));
    }
    expect(answers.map((a) => a.code)).toEqual(["BAD_REQUEST", "BAD_REQUEST", "BAD_REQUEST", "TOO_MANY_REQUESTS"]);
    expect(answers[3]!.message).toMatch(/confirmation attempts from this network/);
  });
});

describe("ADMIN_EMAILS grants admin only to a confirmed address", () => {
  it("not at sign-up: an account confirmed without its address being verified stays a plain user", async () => {
    const emailed = anonymous(services());
    const email = ADMINS[0]!;
    await expect(emailed.auth.signUp({ email, password: PASSWORD })).resolves.toMatchObject({ confirmed: false });
    // e.g. an operator confirms the account by hand: nobody has proven they read that mailbox
    await t.app.adapters.identity.adminConfirmSignUp(email);
    const { accessToken } = await emailed.auth.signIn({ email, password: PASSWORD });
    expect(await groupsOf(accessToken)).toEqual([]);
  });

  it("at confirmation with the e-mailed code: the next sign-in is an admin", async () => {
    const emailed = anonymous(services());
    const email = ADMINS[1]!;
    await emailed.auth.signUp({ email, password: PASSWORD });
    await emailed.auth.confirmSignUp({ email, code: codeFor(email)! });
    const { accessToken } = await emailed.auth.signIn({ email, password: PASSWORD });
    expect(await groupsOf(accessToken)).toEqual(["admin"]);
  });

  it("at the first sign-in of an already confirmed address listed later (its tokens carry the group at once)", async () => {
    const email = ADMINS[2]!;
    // confirmed while not yet listed (the embedded stack confirms at sign-up)
    const before = anonymous(services({ autoConfirmSignUp: true, adminEmails: [] }));
    await before.auth.signUp({ email, password: PASSWORD });
    expect(await groupsOf((await before.auth.signIn({ email, password: PASSWORD })).accessToken)).toEqual([]);
    const after = anonymous(services({ autoConfirmSignUp: true }));
    const { accessToken } = await after.auth.signIn({ email, password: PASSWORD });
    expect(await groupsOf(accessToken)).toEqual(["admin"]);
  });

  it("the embedded stack's own sign-up (confirmed at once) still makes a listed address an admin", async () => {
    const email = listed("boss-embedded");
    const s = anonymous(services({ autoConfirmSignUp: true, adminEmails: [email] }));
    await s.auth.signUp({ email, password: PASSWORD });
    expect(await groupsOf((await s.auth.signIn({ email, password: PASSWORD })).accessToken)).toEqual(["admin"]);
  });
});
