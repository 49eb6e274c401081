import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { CognitoTokenVerifier, type Jwks } from "./cognito-token-verifier";

// No network: tokens are minted here with a generated RS256 key and the verifier gets the JWKS pinned.
const POOL = "us-east-1_TestPool1";
const CLIENT = "testclient123";
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const KID = "test-key-1";
const now = () => Math.floor(Date.now() / 1000);

let privateKey: CryptoKey;
let otherPrivateKey: CryptoKey;
let publicPem: string;
let verifier: CognitoTokenVerifier;
let pinned: Jwks;

const accessClaims = (): JWTPayload => ({
  sub: "0b6e2c2a-1111-4222-8333-444455556666",
  iss: ISSUER,
  client_id: CLIENT,
  token_use: "access",
  scope: "aws.cognito.signin.user.admin",
  username: "0b6e2c2a-1111-4222-8333-444455556666",
  "cognito:groups": ["admin"],
  auth_time: now(),
  iat: now(),
  exp: now() + 3600,
  jti: "5f0b8b0e-aaaa-bbbb-cccc-ddddeeeeffff",
});

function sign(payload: JWTPayload, key: CryptoKey = privateKey, kid = KID): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(key);
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

async function expectUnauthorized(token: string) {
  await expect(verifier.verifyAccessToken(token)).rejects.toMatchObject({
    name: "DomainError",
    code: "UNAUTHORIZED",
    message: "Your session has expired or is invalid; sign in again",
  });
}

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  privateKey = pair.privateKey;
  otherPrivateKey = (await generateKeyPair("RS256")).privateKey;
  publicPem = await exportSPKI(pair.publicKey);
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" };
  pinned = { keys: [jwk] } as Jwks;
  verifier = new CognitoTokenVerifier({ userPoolId: POOL, clientId: CLIENT }, pinned);
});

describe("CognitoTokenVerifier (pinned JWKS, tokens minted locally)", () => {
  it("accepts a valid access token and reads sub, username and groups", async () => {
    const user = await verifier.verifyAccessToken(await sign(accessClaims()));
    expect(user).toEqual({ sub: accessClaims().sub, username: accessClaims().username, groups: ["admin"] });
  });

  it("returns no groups when the claim is absent", async () => {
    const { "cognito:groups": _, ...claims } = accessClaims();
    expect((await verifier.verifyAccessToken(await sign(claims))).groups).toEqual([]);
  });

  it("rejects a token whose payload was changed after signing", async () => {
    const [h, , s] = (await sign(accessClaims())).split(".");
    await expectUnauthorized(`${h}.${b64url({ ...accessClaims(), "cognito:groups": ["admin", "root"] })}.${s}`);
  });

  it("rejects an expired token", async () => {
    await expectUnauthorized(await sign({ ...accessClaims(), iat: now() - 7200, exp: now() - 60 }));
  });

  it("rejects a token that is not valid yet (nbf in the future)", async () => {
    // aws-jwt-verify checks nbf; it does not reject an iat in the future (Cognito sets no nbf, so expiry is
    // what bounds a token's life).
    await expectUnauthorized(await sign({ ...accessClaims(), nbf: now() + 600 }));
  });

  it("rejects a token for another app client", async () => {
    await expectUnauthorized(await sign({ ...accessClaims(), client_id: "someotherclient" }));
  });

  it("rejects an id token used as an access token", async () => {
    const { client_id: _, scope: __, ...rest } = accessClaims();
    await expectUnauthorized(await sign({ ...rest, token_use: "id", aud: CLIENT, email: "a@example.com" }));
  });

  it("rejects a token from another issuer (another pool)", async () => {
    await expectUnauthorized(await sign({ ...accessClaims(), iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool" }));
  });

  it('rejects an unsigned token (alg "none")', async () => {
    await expectUnauthorized(`${b64url({ alg: "none", kid: KID, typ: "JWT" })}.${b64url(accessClaims())}.`);
  });

  it("rejects HS256 signed with the public key (algorithm confusion)", async () => {
    const token = await new SignJWT(accessClaims())
      .setProtectedHeader({ alg: "HS256", kid: KID, typ: "JWT" })
      .sign(new TextEncoder().encode(publicPem));
    await expectUnauthorized(token);
  });

  it("rejects a token signed by another key under the same kid", async () => {
    await expectUnauthorized(await sign(accessClaims(), otherPrivateKey));
  });

  it("rejects a token with an unknown kid without fetching anything", async () => {
    await expectUnauthorized(await sign(accessClaims(), otherPrivateKey, "unknown-kid"));
  });

  it("remembers a token that passed until its expiry, by its exact text", async () => {
    let clock = Date.now();
    const remembering = new CognitoTokenVerifier({ userPoolId: POOL, clientId: CLIENT }, pinned, () => clock);
    const exp = now() + 1;
    const token = await sign({ ...accessClaims(), exp });
    const first = await remembering.verifyAccessToken(token);
    // Once the token has really expired, only a remembered verdict can still accept it (the clock says 'before exp').
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 1100));
    await expectUnauthorized(token);
    expect(await remembering.verifyAccessToken(token)).toEqual(first);
    // A copy each time: a caller changing its user cannot change the next request's.
    (await remembering.verifyAccessToken(token)).groups.push("root");
    expect((await remembering.verifyAccessToken(token)).groups).toEqual(["admin"]);
    // At exp by its own clock, it is refused without a second look.
    clock = exp * 1000;
    await expect(remembering.verifyAccessToken(token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // Another text (its payload changed, the signature kept) is checked afresh, never matched to the remembered one.
    const [h, , s] = token.split(".");
    await expect(remembering.verifyAccessToken(`${h}.${b64url({ ...accessClaims(), exp: exp + 3600 })}.${s}`)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("rejects garbage", async () => {
    await expectUnauthorized("not.a.jwt");
    await expectUnauthorized("");
  });
});
