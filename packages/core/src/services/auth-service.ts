import { createHash } from "node:crypto";
import { DomainError } from "../errors";
import type { BackoffPolicy } from "../model";
import type { AuthTokens, VerifiedUser } from "../ports";
import type { ServiceDeps } from "./deps";

const WINDOW_S = 15 * 60;
/** The longest an account ever waits after a failure, and how long a run of failures is remembered. */
const MAX_BACKOFF_S = 15 * 60;
const FORGET_FAILURES_S = 24 * 3600;
/** A limit counter untouched this long reads as new whatever its kind (past WINDOW_S and FORGET_FAILURES_S): it can go. */
const STALE_COUNTER_S = FORGET_FAILURES_S + 3600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a token's liveness check (Cognito GetUser) is trusted before it is asked again. */
const LIVE_CHECK_TTL_MS = 60_000;
/** Bounds the liveness cache: beyond this many tokens it starts over (each is checked again once). */
const LIVE_CHECK_MAX_TOKENS = 50_000;
const tokenKey = (token: string) => createHash("sha256").update(token).digest("base64url");
const inWords = (s: number) => (s < 60 ? `${s} second${s === 1 ? "" : "s"}` : `${Math.ceil(s / 60)} minutes`);
const tooMany = (what: string, retryAfterSeconds: number) =>
  new DomainError("TOO_MANY_REQUESTS", `Too many ${what}. Wait ${inWords(retryAfterSeconds)} and try again.`, { retryAfterSeconds });

export function createAuthService(d: ServiceDeps) {
  const LIMITS = { signInPerAccount: 5, signInBackoffSeconds: 30, signInPerIp: 50, signUpPerIp: 10, ...d.rateLimits };
  const limit = async (key: string, max: number, what: string) => {
    const r = await d.rateLimiter.hit(key, max, WINDOW_S);
    if (!r.allowed) throw tooMany(what, r.retryAfterSeconds);
    return r.hits;
  };
  const accountBackoff: BackoffPolicy = {
    freeFailures: LIMITS.signInPerAccount,
    baseSeconds: LIMITS.signInBackoffSeconds,
    maxSeconds: MAX_BACKOFF_S,
    forgetSeconds: FORGET_FAILURES_S,
  };

  /**
   * Runs a guess at an account's secret (a password, a confirmation code) under two limits: every attempt from
   * the network counts (a fixed window), and the account backs off progressively on failures only: a success
   * forgives them, so the owner is never locked out by being right. A failure answers after a growing delay.
   */
  async function guarded<T>(kind: "sign-in" | "confirmation", email: string, run: () => Promise<T>, ip: string): Promise<T> {
    await limit(`${kind}:ip:${ip}`, LIMITS.signInPerIp, `${kind} attempts from this network`);
    const key = `${kind}:failures:${email.toLowerCase()}`;
    const a = await d.rateLimiter.attempt(key, accountBackoff);
    if (!a.allowed) throw tooMany(`failed ${kind} attempts for this account`, a.retryAfterSeconds);
    let out: T;
    try {
      out = await run();
    } catch (e) {
      if (!(e instanceof DomainError && e.code === "SERVICE_UNAVAILABLE")) await sleep(Math.min(2000, 100 * a.failures));
      throw e;
    }
    await d.rateLimiter.succeeded(key);
    return out;
  }

  const isAdminEmail = (email: string) => d.adminEmails?.includes(email.toLowerCase()) ?? false;

  /** Token hash -> until when its liveness check holds. Per service instance (per API process), never shared. */
  const liveUntil = new Map<string, number>();
  const forget = (token: string) => liveUntil.delete(tokenKey(token));

  return {
    /**
     * The user a request's access token stands for, or null for no token. Verifies the token locally, then, at
     * most once a minute per token, asks the identity provider whether it is still live (a signed-out session or
     * a deleted account is refused even though its signature is still valid) and makes sure the user has a row.
     * Between checks a plain read of the row (no write, no lock) still refuses a deleted account at once.
     * Throws UNAUTHORIZED for a bad, expired, revoked or deleted session.
     */
    async resolveSession(token: string | null): Promise<VerifiedUser | null> {
      if (!token) return null;
      const user = await d.verifier.verifyAccessToken(token);
      const key = tokenKey(token);
      const now = d.clock.now().getTime();
      if ((liveUntil.get(key) ?? 0) >= now) {
        const row = await d.users.get(user.sub);
        if (row?.deletedAt) throw new DomainError("UNAUTHORIZED", "This account has been deleted");
        if (row) return user;
      }
      try {
        await d.identity.getUser(token);
      } catch (e) {
        liveUntil.delete(key);
        if (e instanceof DomainError && (e.code === "UNAUTHORIZED" || e.code === "NOT_FOUND")) throw new DomainError("UNAUTHORIZED", "Your session has ended; sign in again");
        throw e;
      }
      const row = await d.users.ensure(user.sub, user.username);
      if (row.deletedAt) throw new DomainError("UNAUTHORIZED", "This account has been deleted");
      if (liveUntil.size >= LIVE_CHECK_MAX_TOKENS) liveUntil.clear();
      liveUntil.set(key, now + LIVE_CHECK_TTL_MS);
      return user;
    },

    /**
     * Hygiene: every guessed e-mail address and every network leaves a limit counter behind, so a spray of sign-ins
     * would grow the table for ever. Counters past every window and forget time read as new anyway: they go.
     */
    forgetStaleLimits(): Promise<number> {
      return d.rateLimiter.forgetOlderThan(STALE_COUNTER_S);
    },

    /** Admin rights (ADMIN_EMAILS) wait for a confirmed address: see `confirmSignUp` and `signIn`. */
    async signUp(email: string, password: string, ip: string) {
      await limit(`signup:ip:${ip}`, LIMITS.signUpPerIp, "sign-ups from this network");
      const { userSub, confirmed } = await d.identity.signUp(email, password);
      if (!confirmed && d.autoConfirmSignUp) {
        await d.identity.adminConfirmSignUp(email);
        if (isAdminEmail(email)) await d.identity.addToGroup(email, "admin");
        return { userSub, confirmed: true };
      }
      return { userSub, confirmed };
    },

    /**
     * Confirms the address with the code e-mailed to it: the moment an ADMIN_EMAILS address joins `admin`. Unknown
     * address, wrong or expired code and an already confirmed account all answer alike (the identity adapter's
     * one message), and guesses are limited like sign-ins.
     */
    async confirmSignUp(email: string, code: string, ip: string) {
      await guarded("confirmation", email, () => d.identity.confirmSignUp(email, code), ip);
      if (isAdminEmail(email)) await d.identity.addToGroup(email, "admin");
    },

    /**
     * Wrong password and unknown account answer alike; failures slow the next answer and then make the account
     * wait, longer after each further failure. A listed ADMIN_EMAILS address joins `admin` at its first sign-in
     * once its address is verified (and the tokens are minted again to carry the group).
     */
    async signIn(email: string, password: string, ip: string): Promise<AuthTokens> {
      let tokens = await guarded("sign-in", email, () => d.identity.signIn(email, password), ip);
      const u = await d.identity.getUser(tokens.accessToken);
      await d.users.ensure(u.sub, u.email);
      await d.users.setEmail(u.sub, u.email);
      if (isAdminEmail(u.email) && (u.emailVerified || d.autoConfirmSignUp) && tokens.refreshToken) {
        const { groups } = await d.verifier.verifyAccessToken(tokens.accessToken);
        if (!groups.includes("admin")) {
          await d.identity.addToGroup(u.email, "admin");
          const again = await d.identity.refresh(tokens.refreshToken);
          tokens = { ...again, refreshToken: again.refreshToken ?? tokens.refreshToken };
        }
      }
      return tokens;
    },

    refresh: (refreshToken: string) => d.identity.refresh(refreshToken),
    /**
     * Ends the session here at once (its liveness is no longer trusted) and revokes its tokens at the provider:
     * the access token signs the user out everywhere (every refresh token), and a refresh token the caller holds
     * is revoked on its own too, so sign-out works even when the access token has already expired.
     */
    async signOut(tokens: { accessToken: string | null; refreshToken: string | null }) {
      if (tokens.accessToken) forget(tokens.accessToken);
      await Promise.all([
        tokens.accessToken ? d.identity.signOut(tokens.accessToken) : null,
        tokens.refreshToken ? d.identity.revokeRefreshToken(tokens.refreshToken) : null,
      ]);
    },

    /** Forgets a token's cached liveness without calling the provider (the session is being cleared anyway). */
    forgetSession: (accessToken: string) => void forget(accessToken),

    /**
     * Deletes the account and everything in it: tokens stop working at once (tombstone), renders are canceled,
     * every object under the user's prefix, every row and job is removed, then the Cognito user.
     */
    async deleteAccount(user: VerifiedUser) {
      const row = await d.users.get(user.sub);
      await d.users.markDeleted(user.sub);
      await d.shares.deleteForOwner(user.sub);
      for (;;) {
        const page = await d.jobs.listByOwner(user.sub, { limit: 100 });
        if (page.items.length === 0) break;
        for (const j of page.items) {
          if (j.status === "QUEUED" || j.status === "RENDERING") await d.jobs.requestCancel(j.ownerId, j.videoId);
          await d.jobs.delete(j.ownerId, j.videoId);
        }
      }
      for (;;) {
        const page = await d.photos.list(user.sub, { sort: "uploaded", limit: 500 });
        if (page.items.length === 0) break;
        await d.photos.deleteMany(user.sub, page.items.map((p) => p.id));
      }
      for (const a of await d.audio.list(user.sub)) await d.audio.delete(user.sub, a.id);
      const objects: string[] = [];
      for await (const o of d.blobs.list(`users/${user.sub}/`)) objects.push(o.key);
      await d.blobs.delete(objects);
      await d.identity.deleteUser(row?.email ?? user.username).catch((e: unknown) => {
        if (!(e instanceof DomainError && e.code === "NOT_FOUND")) throw e;
      });
      return { deleted: true as const };
    },

    async me(user: VerifiedUser) {
      const row = (await d.users.get(user.sub)) ?? (await d.users.ensure(user.sub, user.username));
      return {
        id: row.id,
        email: row.email,
        groups: user.groups,
        isAdmin: user.groups.includes("admin"),
        createdAt: row.createdAt.toISOString(),
      };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
