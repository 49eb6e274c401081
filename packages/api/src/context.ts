import { DomainError, type AuthTokens, type Services, type VerifiedUser } from "@photoreel/core";
import { toTRPCError } from "./errors";

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
  /** The access token this request presented (Bearer header or session cookie), whatever its validity. */
  token?: string | null;
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
    token: opts.token ?? opts.session?.accessToken ?? null,
    ip: opts.ip ?? "127.0.0.1",
    requestId: opts.requestId ?? "local",
    logger: opts.logger ?? silent,
  };
}
export type Context = ReturnType<typeof createInnerContext>;

/**
 * The context of one HTTP request: the session's user resolved by the auth service (null when signed out or when
 * the token is bad, expired or revoked: protected procedures then answer UNAUTHORIZED). A dependency that is down
 * while the session is checked answers with its domain error (SERVICE_UNAVAILABLE: 503, retry), never a 500.
 */
export async function createRequestContext(opts: Omit<InnerContextOptions, "user"> & { token: string | null }): Promise<Context> {
  let user: VerifiedUser | null;
  try {
    user = await opts.services.auth.resolveSession(opts.token);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    if (e.code !== "UNAUTHORIZED") {
      opts.logger?.warn({ requestId: opts.requestId, code: e.code, err: String(e.cause ?? e) }, "session check failed");
      throw toTRPCError(e);
    }
    user = null;
  }
  return createInnerContext({ ...opts, user });
}
