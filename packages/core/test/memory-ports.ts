import type { Clock, IdentityProvider, TokenVerifier, User, UserRepository, VerifiedUser } from "../src/index";
import { DomainError } from "../src/index";

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse("2026-01-01T00:00:00Z")): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

/** Tokens are "token-<sub>"; anything else fails verification like a bad signature would. */
export const memoryVerifier: TokenVerifier = {
  async verifyAccessToken(token) {
    const m = /^token-(.+)$/.exec(token);
    if (!m) throw new DomainError("UNAUTHORIZED", "Your session has expired or is invalid; sign in again");
    return { sub: m[1]!, username: `${m[1]}@example.com`, groups: [] } satisfies VerifiedUser;
  },
};

/** Only what session checks use: GetUser, counted; `revoked` tokens answer like Cognito does for a signed-out one. */
export function memoryIdentity() {
  const calls: string[] = [];
  const revoked = new Set<string>();
  let down: unknown = null;
  const identity: Partial<IdentityProvider> = {
    async getUser(token) {
      calls.push(token);
      if (down) throw down;
      if (revoked.has(token)) throw new DomainError("UNAUTHORIZED", "Your session has expired or is invalid; sign in again");
      return { sub: token.slice("token-".length), email: `${token.slice("token-".length)}@example.com`, emailVerified: true };
    },
    async signOut(token) {
      revoked.add(token);
    },
  };
  return { identity: identity as IdentityProvider, calls, revoked, fail: (e: unknown) => void (down = e) };
}

export function memoryUsers() {
  const rows = new Map<string, User>();
  const writes: string[] = [];
  const users: Partial<UserRepository> = {
    async ensure(id, email) {
      writes.push(id);
      const row = rows.get(id) ?? { id, email, createdAt: new Date(), deletedAt: null };
      rows.set(id, row);
      return row;
    },
    async get(id) {
      return rows.get(id) ?? null;
    },
    async markDeleted(id) {
      const row = rows.get(id);
      if (row) row.deletedAt = new Date();
    },
  };
  return { users: users as UserRepository, rows, writes };
}
