import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestStack, type TestStack } from "../harness";
import { DESTRUCTIVE_PROCEDURES, PUBLIC_PROCEDURES, callProcedure, listProcedures, mapLimit, probeProtected, randomIds, sampleInputs, type ProcedureInfo } from "./procedures";

let t: TestStack;
let token: string;
let idToken: string;
let deletedUsersToken: string;
let pool: { kid: string; jwk: JWK };
let protectedProcs: ProcedureInfo[];
const all = listProcedures();
const inputs = sampleInputs(randomIds());

const now = () => Math.floor(Date.now() / 1000);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

/** cognito-local signs with a key that ships in its package: tests use it to mint validly signed tokens. */
async function resign(claimsFrom: string, change: (claims: Record<string, unknown>) => void) {
  const req = createRequire(import.meta.resolve("@photoreel/local-stack"));
  const { jwk } = req("cognito-local/lib/keys/cognitoLocal.private.json") as { jwk: JWK };
  const claims = decodeJwt(claimsFrom) as Record<string, unknown>;
  change(claims);
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: decodeProtectedHeader(claimsFrom).kid! }).sign(await importJWK(jwk, "RS256"));
}

beforeAll(async () => {
  t = await startTestStack();
  const { email } = await t.signUp();
  ({ accessToken: token, idToken } = await t.app.adapters.identity.signIn(email, PASSWORD));
  const jwks = (await (await fetch(t.config.COGNITO_JWKS_URL!)).json()) as { keys: (JWK & { kid: string })[] };
  const kid = decodeProtectedHeader(token).kid!;
  pool = { kid, jwk: jwks.keys.find((k) => k.kid === kid)! };
  expect(pool.jwk).toBeDefined();

  // A user who signs in and is then deleted: the token is still validly signed and unexpired, and never used before.
  const gone = await t.signUp();
  deletedUsersToken = (await t.app.adapters.identity.signIn(gone.email, PASSWORD)).accessToken;
  await t.app.adapters.identity.deleteUser(gone.email);

  protectedProcs = await probeProtected(t.baseUrl, all);
}, 60_000);
afterAll(async () => t?.stop());

describe("which procedures need a session (generated from the router)", () => {
  it("every procedure except the five public auth ones answers UNAUTHORIZED without a session", () => {
    const open = all.map((p) => p.path).filter((path) => !protectedProcs.some((p) => p.path === path));
    expect(open).toEqual(PUBLIC_PROCEDURES);
    expect(protectedProcs.length).toBe(all.length - PUBLIC_PROCEDURES.length);
    // Admin procedures are among them (they build on protectedProcedure).
    expect(protectedProcs.map((p) => p.path)).toEqual(expect.arrayContaining(all.filter((p) => p.path.startsWith("admin.")).map((p) => p.path)));
  });

  it("every procedure that takes input has a sample input that its schema accepts", () => {
    for (const p of all.filter((x) => x.input)) {
      expect(inputs[p.path], `add a sample input for ${p.path} to procedures.ts`).toBeDefined();
      for (const i of inputs[p.path]!) expect(p.input!.safeParse(i).success, `${p.path} sample ${JSON.stringify(i)}`).toBe(true);
    }
  });

  it("the control: the genuine access token is accepted by every protected procedure", async () => {
    const safe = protectedProcs.filter((p) => !DESTRUCTIVE_PROCEDURES.includes(p.path));
    const res = await mapLimit(safe, 6, (p) => callProcedure(t.baseUrl, p, inputs[p.path]?.[0], { token }));
    const refused = safe.filter((_, i) => res[i]!.status === 401).map((p) => p.path);
    expect(refused).toEqual([]);
    expect(res.every((r) => r.status < 500)).toBe(true);
    // and a token re-signed by the test key without changes is accepted, so the refusals below come from the change
    const same = await resign(token, () => {});
    expect((await callProcedure(t.baseUrl, { path: "auth.me", type: "query" }, undefined, { token: same })).status).toBe(200);
  });
});

describe("every protected procedure refuses every token that is not a live access token of this app", () => {
  const cases: [string, () => Promise<string | null>][] = [
    ["no token at all", async () => null],
    ["garbage", async () => "not.a.token"],
    ["random base64 in three parts", async () => `${b64({ alg: "RS256" })}.${b64({ sub: "x" })}.${Buffer.from("sig").toString("base64url")}`],
    ["alg: none (unsigned)", async () => `${b64({ alg: "none", typ: "JWT", kid: pool.kid })}.${b64(decodeJwt(token))}.`],
    ["alg: NoNe (unsigned, odd case)", async () => `${b64({ alg: "NoNe", kid: pool.kid })}.${b64(decodeJwt(token))}.`],
    ["HS256 signed with the pool's RSA public key (PEM) as the HMAC secret", async () => {
      const pem = createPublicKey({ key: pool.jwk as never, format: "jwk" }).export({ type: "spki", format: "pem" }) as string;
      return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: "HS256", kid: pool.kid }).sign(new TextEncoder().encode(pem));
    }],
    ["HS256 signed with the pool's RSA public key (DER) as the HMAC secret", async () => {
      const der = createPublicKey({ key: pool.jwk as never, format: "jwk" }).export({ type: "spki", format: "der" });
      return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: "HS256", kid: pool.kid }).sign(new Uint8Array(der));
    }],
    ["RS256 signed by an attacker's key under the pool's kid, with the key embedded (jwk header)", async () => {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const jwk = await exportJWK(publicKey);
      return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: "RS256", kid: pool.kid, jwk }).sign(privateKey);
    }],
    ["a tampered payload (sub changed, signature kept)", async () => {
      const [h, , s] = token.split(".");
      return `${h}.${b64({ ...decodeJwt(token), sub: "someone-else" })}.${s}`;
    }],
    ["a tampered payload (admin group added, signature kept)", async () => {
      const [h, , s] = token.split(".");
      return `${h}.${b64({ ...decodeJwt(token), "cognito:groups": ["admin"] })}.${s}`;
    }],
    ["expired (validly signed)", () => resign(token, (c) => { c.iat = now() - 7200; c.exp = now() - 3600; })],
    ["not yet valid: nbf in the future (validly signed)", () => resign(token, (c) => { c.nbf = now() + 3600; c.exp = now() + 7200; })],
    ["from another issuer (validly signed)", () => resign(token, (c) => { c.iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"; })],
    ["for another app client (validly signed)", () => resign(token, (c) => { c.client_id = "another-client"; })],
    ["token_use id on an access token (validly signed)", () => resign(token, (c) => { c.token_use = "id"; })],
    ["an id token where an access token is required", async () => idToken],
    ["the still-signed token of a deleted user", async () => deletedUsersToken],
  ];

  it.each(cases)("%s -> UNAUTHORIZED (Bearer, every protected procedure)", async (_name, make) => {
    const bad = await make();
    const res = await mapLimit(protectedProcs, 8, (p) => callProcedure(t.baseUrl, p, inputs[p.path]?.[0], bad === null ? {} : { token: bad }));
    const wrong = protectedProcs.map((p, i) => ({ path: p.path, status: res[i]!.status, code: res[i]!.code })).filter((r) => r.status !== 401 || r.code !== "UNAUTHORIZED");
    expect(wrong).toEqual([]);
    expect(protectedProcs.length).toBeGreaterThan(20);
  });

  // A token used just before its account is deleted through the app is refused at once (the users row keeps a
  // tombstone). A user deleted directly in Cognito (console, CLI) is caught by the per-token liveness check,
  // which is cached for up to 60 s per API process: that window is the accepted cost of not calling Cognito on
  // every request.
  it("a token used just before its account is deleted is refused at once", async () => {
    const { email } = await t.signUp();
    const { accessToken } = await t.app.adapters.identity.signIn(email, PASSWORD);
    const me = () => callProcedure(t.baseUrl, { path: "auth.me", type: "query" }, undefined, { token: accessToken });
    expect((await me()).status).toBe(200);
    const del = await callProcedure(t.baseUrl, { path: "auth.deleteAccount", type: "mutation" }, undefined, { token: accessToken });
    expect(del.status).toBe(200);
    expect((await me()).status).toBe(401);
    await expect(t.app.adapters.identity.signIn(email, PASSWORD)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  const viaCookie = ["garbage", "alg: none (unsigned)", "a tampered payload (admin group added, signature kept)", "expired (validly signed)", "an id token where an access token is required", "the still-signed token of a deleted user"];
  it.each(cases.filter(([name]) => viaCookie.includes(name)))("%s -> UNAUTHORIZED (pr_at cookie)", async (_name, make) => {
    const bad = (await make())!;
    const some = protectedProcs.filter((p) => ["auth.me", "photos.list", "photos.updateCaption", "admin.users", "videos.create"].includes(p.path));
    expect(some).toHaveLength(5);
    for (const p of some) {
      const r = await callProcedure(t.baseUrl, p, inputs[p.path]?.[0], { cookie: `pr_at=${bad}` });
      expect([p.path, r.status, r.code]).toEqual([p.path, 401, "UNAUTHORIZED"]);
    }
  });
});
