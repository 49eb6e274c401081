import { createRequire } from "node:module";
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestStack, trpcHttp, type TestStack } from "./harness";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

/** cognito-local signs with a key that ships in its package; tests use it to mint tokens that are validly signed. */
async function resign(token: string, change: (claims: Record<string, unknown>) => void) {
  const req = createRequire(import.meta.resolve("@photoreel/local-stack"));
  const { jwk } = req("cognito-local/lib/keys/cognitoLocal.private.json") as { jwk: JWK };
  const claims = decodeJwt(token) as Record<string, unknown>;
  change(claims);
  const { kid } = decodeProtectedHeader(token);
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: kid! }).sign(await importJWK(jwk, "RS256"));
}

describe("auth through the router", () => {
  it("signs up, signs in over HTTP with cookies, and answers auth.me", async () => {
    const email = `http-${Date.now()}@example.com`;
    const up = await trpcHttp(t.baseUrl, "auth.signUp", { email, password: PASSWORD });
    expect(up.status).toBe(200);
    expect(up.body.result?.data).toMatchObject({ confirmed: true });

    const signIn = await trpcHttp(t.baseUrl, "auth.signIn", { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    const access = signIn.cookies.find((c) => c.startsWith("pr_at="));
    expect(access).toMatch(/HttpOnly/i);
    expect(access).toMatch(/SameSite=Strict/i);
    expect(access).not.toMatch(/Secure/i); // plain http locally; Secure when PUBLIC_URL is https

    const cookie = access!.split(";")[0]!;
    const me = await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", cookie });
    expect(me.status).toBe(200);
    expect(me.body.result?.data).toMatchObject({ email, isAdmin: false });

    const { accessToken } = signIn.body.result?.data as { accessToken: string };
    const bearer = await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", token: accessToken });
    expect(bearer.body.result?.data).toMatchObject({ email });
  });

  it("creates the user row on the first verified request", async () => {
    const { user } = await t.signUp();
    expect(await t.app.adapters.users.get(user.sub)).toMatchObject({ id: user.sub });
  });

  it("answers a wrong password and an unknown account with the same message", async () => {
    const { email } = await t.signUp();
    const anon = t.callerFor(null);
    const wrong = await anon.auth.signIn({ email, password: "Wrong-Password-1" }).catch((e: unknown) => e);
    const unknown = await anon.auth.signIn({ email: `nobody-${Date.now()}@example.com`, password: PASSWORD }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: "UNAUTHORIZED" });
    expect(unknown).toMatchObject({ code: "UNAUTHORIZED" });
    expect((wrong as Error).message).toBe((unknown as Error).message);
  });

  it("rejects bad sign-up input with field errors", async () => {
    const res = await trpcHttp(t.baseUrl, "auth.signUp", { email: "not-an-email", password: "short" });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.code).toBe("BAD_REQUEST");
    expect(Object.keys(res.body.error?.data.fieldErrors ?? {})).toEqual(expect.arrayContaining(["email", "password"]));
  });

  it("refreshes the session from the refresh cookie and signs out", async () => {
    const { email } = await t.signUp();
    const signIn = await trpcHttp(t.baseUrl, "auth.signIn", { email, password: PASSWORD });
    const refreshCookie = signIn.cookies.find((c) => c.startsWith("pr_rt="))!;
    expect(refreshCookie).toMatch(/Path=\/trpc\/auth\.refresh/);
    const refreshed = await trpcHttp(t.baseUrl, "auth.refresh", null, { cookie: refreshCookie.split(";")[0]! });
    expect(refreshed.body.error).toBeUndefined();
    expect(refreshed.body.result?.data).toMatchObject({ ok: true });
    const newAccess = refreshed.cookies.find((c) => c.startsWith("pr_at="))!.split(";")[0]!;
    expect((await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", cookie: newAccess })).status).toBe(200);
    const out = await trpcHttp(t.baseUrl, "auth.signOut", null, { cookie: newAccess });
    expect(out.cookies.some((c) => c.startsWith("pr_at=;"))).toBe(true);
  });

  describe("rejects every token that is not a valid access token for this app", () => {
    let token: string;
    let idToken: string;
    beforeAll(async () => {
      const { email } = await t.signUp();
      const tokens = await t.app.adapters.identity.signIn(email, PASSWORD);
      token = tokens.accessToken;
      idToken = tokens.idToken;
      // the control: the untouched token works
      expect((await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", token })).status).toBe(200);
    });

    const cases: [string, () => Promise<string>][] = [
      ["a tampered payload", async () => {
        const [h, p, s] = token.split(".");
        const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
        claims.sub = "someone-else";
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`;
      }],
      ["an expired token (validly signed)", () => resign(token, (c) => { c.iat = Math.floor(Date.now() / 1000) - 7200; c.exp = Math.floor(Date.now() / 1000) - 3600; })],
      ["a token for another app client (validly signed)", () => resign(token, (c) => { c.client_id = "another-client"; })],
      ["an id token used as an access token", async () => idToken],
      ["a token from another issuer (validly signed)", () => resign(token, (c) => { c.iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"; })],
      ["garbage", async () => "not.a.token"],
    ];
    it.each(cases)("%s -> UNAUTHORIZED", async (_name, make) => {
      const bad = await make();
      await expect(t.app.verifier.verifyAccessToken(bad)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      const res = await trpcHttp(t.baseUrl, "auth.me", null, { method: "GET", token: bad });
      expect(res.status).toBe(401);
      expect(res.body.error?.data.code).toBe("UNAUTHORIZED");
    });
  });
});
