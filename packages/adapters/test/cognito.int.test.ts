import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@photoreel/core";
import { CognitoIdentity, createCognitoTokenVerifier, type CognitoTokenVerifier } from "../src/index";
import { backends, type Backend } from "./backends";

describe.each(backends)("Cognito adapters on $name", ({ start }) => {
  let backend: Backend;
  let identity: CognitoIdentity;
  let verifier: CognitoTokenVerifier;
  const email = `alice.${Date.now()}@example.com`;
  const password = "Correct-horse1";

  beforeAll(async () => {
    backend = await start();
    const { config } = backend;
    identity = new CognitoIdentity(backend.clients.cognito, { userPoolId: config.COGNITO_USER_POOL_ID, clientId: config.COGNITO_CLIENT_ID });
    verifier = await createCognitoTokenVerifier({
      userPoolId: config.COGNITO_USER_POOL_ID,
      clientId: config.COGNITO_CLIENT_ID,
      jwksUrl: config.COGNITO_JWKS_URL,
    });
  });
  afterAll(async () => backend?.stop());

  it("answers ping", async () => {
    await expect(identity.ping()).resolves.toBeUndefined();
  });

  it("signs up, confirms, signs in, verifies, refreshes and signs out", async () => {
    const { userSub, confirmed } = await identity.signUp(email, password);
    expect(userSub).toMatch(/\S/);
    expect(confirmed).toBe(false);

    await expect(identity.signIn(email, password)).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "Confirm your e-mail first" });
    await identity.adminConfirmSignUp(email);
    await identity.addToGroup(email, "admin");

    const tokens = await identity.signIn(email, password);
    expect(tokens.accessToken.split(".")).toHaveLength(3);
    expect(tokens.idToken.split(".")).toHaveLength(3);
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresIn).toBeGreaterThan(0);

    const user = await verifier.verifyAccessToken(tokens.accessToken);
    expect(user.sub).toBe(userSub);
    expect(user.groups).toEqual(["admin"]);
    await expect(identity.getUser(tokens.accessToken)).resolves.toMatchObject({ sub: userSub, email });

    // An id token is not an access token.
    await expect(verifier.verifyAccessToken(tokens.idToken)).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const refreshed = await identity.refresh(tokens.refreshToken!);
    expect((await verifier.verifyAccessToken(refreshed.accessToken)).sub).toBe(userSub);

    // GlobalSignOut revokes refresh tokens (cognito-local lacks it; the embedded stack adds it).
    await identity.signOut(tokens.accessToken);
    await expect(identity.refresh(tokens.refreshToken!)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("gives the same answer for a wrong password and an unknown user", async () => {
    const wrong = await identity.signIn(email, "Wrong-password1").catch((e: unknown) => e);
    const unknown = await identity.signIn(`nobody.${Date.now()}@example.com`, password).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(DomainError);
    expect(wrong).toMatchObject({ code: "UNAUTHORIZED", message: "Incorrect e-mail or password" });
    expect(unknown).toMatchObject({ code: "UNAUTHORIZED", message: "Incorrect e-mail or password" });
  });

  it("rejects a second sign-up with the same e-mail", async () => {
    await expect(identity.signUp(email, password)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "An account with this e-mail already exists; sign in instead",
    });
  });

  it("deletes a user idempotently", async () => {
    await identity.deleteUser(email);
    await identity.deleteUser(email);
    await expect(identity.signIn(email, password)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
