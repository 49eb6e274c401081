import { createHash } from "node:crypto";
import { DomainError, type AuthTokens, type Services, type TokenVerifier, type VerifiedUser } from "@photoreel/core";

/** Where the session tokens live for this request: httpOnly cookies over HTTP, a plain object in tests. */
export interface SessionStore {
  readonly accessToken: string | null;
  readonly refreshToken: string | null;
  set(tokens: AuthTokens): void;
  clear(): void;
}

export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface InnerContextOptions {
  services: Services;
  user: VerifiedUser | null;
  session?: SessionStore;
  ip?: string;
  requestId?: string;
  logger?: Logger;
}

export const memorySession = (initial: Partial<AuthTokens> = {}): SessionStore & { tokens: Partial<AuthTokens> } => {
  const s = {
    tokens: { ...initial },
    get accessToken() {
      return s.tokens.accessToken ?? null;
    },
    get refreshToken() {
      return s.tokens.refreshToken ?? null;
    },
    set(t: AuthTokens) {
      s.tokens = { ...t, refreshToken: t.refreshToken ?? s.tokens.refreshToken ?? null };
    },
    clear() {
      s.tokens = {};
    },
  };
  return s;
};

const silent: Logger = { error() {}, warn() {}, info() {} };

/** The context without HTTP: what router tests build directly and what the HTTP adapter builds per request. */
export function createInnerContext(opts: InnerContextOptions) {
  return {
    services: opts.services,
    user: opts.user,
    session: opts.session ?? memorySession(),
    ip: opts.ip ?? "127.0.0.1",
    requestId: opts.requestId ?? "local",
    logger: opts.logger ?? silent,
  };
}
export type Context = ReturnType<typeof createInnerContext>;

const LIVE_CHECK_TTL_MS = 60_000;
const liveTokens = new Map<string, number>();

/**
 * Verifies the access token (signature, issuer, client, use, expiry) locally, then, at most once a minute per
 * token, asks Cognito whether it is still live (GetUser): a signed-out session or a deleted account is refused
 * even though its token's signature is still valid. Makes sure the user has a row. Null for no token.
 */
export async function resolveUser(services: Services, verifier: TokenVerifier, token: string | null): Promise<VerifiedUser | null> {
  if (!token) return null;
  const user = await verifier.verifyAccessToken(token);
  const key = createHash("sha256").update(token).digest("base64url");
  const now = Date.now();
  if ((liveTokens.get(key) ?? 0) >= now) {
    // Checked within the last minute: a plain read (no write, no row lock) still sees a deleted account at once.
    const row = await services.deps.users.get(user.sub);
    if (row?.deletedAt) throw new DomainError("UNAUTHORIZED", "This account has been deleted");
    if (row) return user;
  }
  try {
    await services.deps.identity.getUser(token);
  } catch (e) {
    liveTokens.delete(key);
    if (e instanceof DomainError && (e.code === "UNAUTHORIZED" || e.code === "NOT_FOUND")) throw new DomainError("UNAUTHORIZED", "Your session has ended; sign in again");
    throw e;
  }
  const row = await services.deps.users.ensure(user.sub, user.username);
  if (row.deletedAt) throw new DomainError("UNAUTHORIZED", "This account has been deleted");
  if (liveTokens.size > 50_000) liveTokens.clear();
  liveTokens.set(key, now + LIVE_CHECK_TTL_MS);
  return user;
}

/** Forget cached liveness (sign-out). */
export function forgetToken(token: string) {
  liveTokens.delete(createHash("sha256").update(token).digest("base64url"));
}
