import type { AuthTokens, Services, TokenVerifier, VerifiedUser } from "@photoreel/core";

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

/**
 * Verifies the access token (signature, issuer, client, use, expiry) and makes sure the user has a row.
 * Returns null for no token; throws UNAUTHORIZED for a bad one.
 */
export async function resolveUser(services: Services, verifier: TokenVerifier, token: string | null): Promise<VerifiedUser | null> {
  if (!token) return null;
  const user = await verifier.verifyAccessToken(token);
  await services.deps.users.ensure(user.sub, user.username);
  return user;
}
