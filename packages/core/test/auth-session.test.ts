import { describe, expect, it } from "vitest";
import { createAuthService, DomainError, type ServiceDeps } from "../src/index";
import { manualClock, memoryIdentity, memoryUsers, memoryVerifier } from "./memory-ports";

// The unit under test is the session check's own logic (liveness cache, tombstones); its ports are in memory.
// The same path runs against Cognito's stand-in and PostgreSQL in apps/api's token tests.
function setup() {
  const clock = manualClock();
  const identity = memoryIdentity();
  const users = memoryUsers();
  const deps = { clock, verifier: memoryVerifier, identity: identity.identity, users: users.users } as unknown as ServiceDeps;
  return { auth: createAuthService(deps), deps, clock, identity, users };
}

describe("auth.resolveSession", () => {
  it("answers null without a token and UNAUTHORIZED for a token that does not verify", async () => {
    const { auth, identity } = setup();
    expect(await auth.resolveSession(null)).toBeNull();
    await expect(auth.resolveSession("forged")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(identity.calls).toEqual([]);
  });

  it("asks the provider once a minute per token and creates the user's row on the first request", async () => {
    const { auth, clock, identity, users } = setup();
    expect(await auth.resolveSession("token-alice")).toMatchObject({ sub: "alice" });
    expect(users.rows.get("alice")).toMatchObject({ email: "alice@example.com" });
    clock.advance(59_000);
    await auth.resolveSession("token-alice");
    expect(identity.calls).toHaveLength(1);
    expect(users.writes).toHaveLength(1); // within the minute: a plain read, no upsert
    clock.advance(2_000);
    await auth.resolveSession("token-alice");
    expect(identity.calls).toHaveLength(2);
  });

  it("refuses a session the provider has ended, even one it trusted a moment ago once signed out", async () => {
    const { auth, identity } = setup();
    await auth.resolveSession("token-bob");
    await auth.signOut({ accessToken: "token-bob", refreshToken: null });
    await expect(auth.resolveSession("token-bob")).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Your session has ended; sign in again" });
    expect(identity.calls).toHaveLength(2);
  });

  it("refuses a deleted account at once, without waiting for the minute to pass", async () => {
    const { auth, users, identity } = setup();
    await auth.resolveSession("token-carol");
    await users.users.markDeleted("carol");
    await expect(auth.resolveSession("token-carol")).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "This account has been deleted" });
    expect(identity.calls).toHaveLength(1);
  });

  it("keeps its cache per service instance (no state shared between two APIs in one process)", async () => {
    const a = setup();
    const b = createAuthService({ ...a.deps });
    await a.auth.resolveSession("token-dave");
    await b.resolveSession("token-dave");
    expect(a.identity.calls).toHaveLength(2);
  });

  it("passes a provider outage on as SERVICE_UNAVAILABLE, and checks again once it is back", async () => {
    const { auth, identity } = setup();
    identity.fail(new DomainError("SERVICE_UNAVAILABLE", "The service is briefly unavailable. Try again in a moment."));
    await expect(auth.resolveSession("token-erin")).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    identity.fail(null);
    expect(await auth.resolveSession("token-erin")).toMatchObject({ sub: "erin" });
  });
});
