import { DomainError } from "../errors";
import type { AuthTokens, VerifiedUser } from "../ports";
import type { ServiceDeps } from "./deps";

const WINDOW_S = 15 * 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createAuthService(d: ServiceDeps) {
  const LIMITS = d.rateLimits ?? { signInPerAccount: 10, signInPerIp: 50, signUpPerIp: 10 };
  const limit = async (key: string, max: number, what: string) => {
    const r = await d.rateLimiter.hit(key, max, WINDOW_S);
    if (!r.allowed)
      throw new DomainError("TOO_MANY_REQUESTS", `Too many ${what}. Wait ${Math.ceil(r.retryAfterSeconds / 60)} minutes and try again.`, { retryAfterSeconds: r.retryAfterSeconds });
    return r.hits;
  };

  return {
    async signUp(email: string, password: string, ip: string) {
      await limit(`signup:ip:${ip}`, LIMITS.signUpPerIp, "sign-ups from this network");
      const { userSub, confirmed } = await d.identity.signUp(email, password);
      if (d.adminEmails?.includes(email.toLowerCase())) await d.identity.addToGroup(email, "admin");
      if (!confirmed && d.autoConfirmSignUp) {
        await d.identity.adminConfirmSignUp(email);
        return { userSub, confirmed: true };
      }
      return { userSub, confirmed };
    },

    confirmSignUp: (email: string, code: string) => d.identity.confirmSignUp(email, code),

    /** Wrong password and unknown account answer alike; repeated failures are slowed, then refused. */
    async signIn(email: string, password: string, ip: string): Promise<AuthTokens> {
      const ipHits = await limit(`signin:ip:${ip}`, LIMITS.signInPerIp, "sign-in attempts from this network");
      const acctHits = await limit(`signin:acct:${email}`, LIMITS.signInPerAccount, "sign-in attempts for this account");
      try {
        const tokens = await d.identity.signIn(email, password);
        const u = await d.identity.getUser(tokens.accessToken);
        await d.users.ensure(u.sub, u.email);
        await d.users.setEmail(u.sub, u.email);
        return tokens;
      } catch (e) {
        if (e instanceof DomainError && e.code === "UNAUTHORIZED") await sleep(Math.min(2000, 100 * Math.max(ipHits, acctHits)));
        throw e;
      }
    },

    refresh: (refreshToken: string) => d.identity.refresh(refreshToken),
    signOut: (accessToken: string) => d.identity.signOut(accessToken),

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
