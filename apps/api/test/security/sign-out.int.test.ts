import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestStack, trpcHttp, type TestStack } from "../harness";

// auth.signOut must revoke the session however it was presented: a browser's cookies or a script's Bearer token.
// "Revoked" is checked where it matters: the refresh token can no longer mint a new access token.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

async function signedIn() {
  const { email } = await t.signUp();
  const r = await trpcHttp(t.baseUrl, "auth.signIn", { email, password: PASSWORD });
  const { accessToken, refreshToken } = r.body.result?.data as { accessToken: string; refreshToken: string };
  const cookie = (name: string) => r.cookies.find((c) => c.startsWith(`${name}=`))!.split(";")[0]!;
  // the control: the refresh token works before sign-out
  const before = await trpcHttp(t.baseUrl, "auth.refresh", { refreshToken });
  expect(before.body.result?.data).toMatchObject({ ok: true });
  // Cognito's sign-out refuses access tokens issued before it; `iat` has whole seconds, so sign out in a later one.
  await new Promise((r) => setTimeout(r, 1100));
  const refreshCookies = r.cookies.filter((c) => c.startsWith("pr_rt="));
  return { accessToken, refreshToken, accessCookie: cookie("pr_at"), refreshCookie: cookie("pr_rt"), refreshCookies };
}

async function expectAccessRefused(auth: { token?: string; cookie?: string }) {
  const r = await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", ...auth });
  expect([r.status, r.body.error?.data.code]).toEqual([401, "UNAUTHORIZED"]);
}

async function expectRefreshRefused(opts: { refreshToken?: string; cookie?: string }) {
  const r = await trpcHttp(t.baseUrl, "auth.refresh", opts.refreshToken ? { refreshToken: opts.refreshToken } : null, opts.cookie ? { cookie: opts.cookie } : {});
  expect([r.status, r.body.error?.data.code]).toEqual([401, "UNAUTHORIZED"]);
}

describe("auth.signOut revokes the refresh token", () => {
  it("with only Authorization: Bearer (a script): the refresh token stops working, and the access token too", async () => {
    const s = await signedIn();
    expect((await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", token: s.accessToken })).status).toBe(200);
    const out = await trpcHttp(t.baseUrl, "auth.signOut", null, { token: s.accessToken });
    expect(out.body.result?.data).toEqual({ ok: true });
    await expectAccessRefused({ token: s.accessToken });
    await expectRefreshRefused({ refreshToken: s.refreshToken });
    await expectRefreshRefused({ cookie: s.refreshCookie });
  });

  it("with the session cookie (a browser): the refresh cookie stops working, the cookies are cleared, and a copy of the access cookie is refused", async () => {
    const s = await signedIn();
    expect((await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", cookie: s.accessCookie })).status).toBe(200);
    const out = await trpcHttp(t.baseUrl, "auth.signOut", null, { cookie: s.accessCookie });
    await expectAccessRefused({ cookie: s.accessCookie });
    expect(out.cookies.some((c) => c.startsWith("pr_at=;"))).toBe(true);
    expect(out.cookies.some((c) => c.startsWith("pr_rt=;"))).toBe(true);
    await expectRefreshRefused({ cookie: s.refreshCookie });
    await expectRefreshRefused({ refreshToken: s.refreshToken });
  });

  it("from a browser whose access cookie has expired: the refresh cookie is sent to sign-out too, and revoked", async () => {
    const s = await signedIn();
    // the refresh cookie goes to exactly two paths: refresh and sign-out (never to other calls)
    expect(s.refreshCookies.map((c) => /Path=([^;]+)/i.exec(c)?.[1]).sort()).toEqual(["/trpc/auth.refresh", "/trpc/auth.signOut"]);
    // what the browser sends to /trpc/auth.signOut an hour later: no pr_at (expired), the pr_rt of that path
    const out = await trpcHttp(t.baseUrl, "auth.signOut", null, { cookie: s.refreshCookie });
    expect(out.body.result?.data).toEqual({ ok: true });
    expect(out.cookies.filter((c) => c.startsWith("pr_rt=;")).map((c) => /Path=([^;]+)/i.exec(c)?.[1]).sort()).toEqual(["/trpc/auth.refresh", "/trpc/auth.signOut"]);
    await expectRefreshRefused({ cookie: s.refreshCookie });
  });

  it("with only the refresh token in the body (the access token already gone): that token is revoked", async () => {
    const s = await signedIn();
    const out = await trpcHttp(t.baseUrl, "auth.signOut", { refreshToken: s.refreshToken });
    expect(out.body.result?.data).toEqual({ ok: true });
    await expectRefreshRefused({ refreshToken: s.refreshToken });
  });

  it("signing out twice, or with tokens that are not tokens, still answers ok", async () => {
    const s = await signedIn();
    expect((await trpcHttp(t.baseUrl, "auth.signOut", null, { token: s.accessToken })).body.result?.data).toEqual({ ok: true });
    expect((await trpcHttp(t.baseUrl, "auth.signOut", { refreshToken: s.refreshToken }, { token: s.accessToken })).body.result?.data).toEqual({ ok: true });
    expect((await trpcHttp(t.baseUrl, "auth.signOut", { refreshToken: "not-a-token" }, { token: "not.a.token" })).body.result?.data).toEqual({ ok: true });
  });
});
