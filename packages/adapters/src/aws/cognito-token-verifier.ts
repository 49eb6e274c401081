import { CognitoJwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { Jwks } from "aws-jwt-verify/jwk";
import { DomainError, type TokenVerifier, type VerifiedUser } from "@photoreel/core";

export type { Jwks };

export interface CognitoTokenVerifierOptions {
  userPoolId: string;
  clientId: string;
}

const INVALID_SESSION = "Your session has expired or is invalid; sign in again";

type AccessVerifier = ReturnType<typeof createVerifier>;

function createVerifier(opts: CognitoTokenVerifierOptions, jwks?: Jwks) {
  const props = { userPoolId: opts.userPoolId, clientId: opts.clientId, tokenUse: "access" as const };
  if (!jwks) return CognitoJwtVerifier.create(props);
  // With a pinned JWKS the verifier must never reach out to AWS: an unknown `kid` would otherwise trigger a
  // fetch of the real pool's JWKS URL. This cache answers every fetch with the same pinned keys.
  const body = new TextEncoder().encode(JSON.stringify(jwks));
  const jwksCache = new SimpleJwksCache({
    fetcher: { fetch: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer },
  });
  const verifier = CognitoJwtVerifier.create(props, { jwksCache });
  verifier.cacheJwks(jwks);
  return verifier;
}

/** Tokens whose checks have passed, kept until they expire; cleared whole when full (a token is re-verified then). */
const VERIFIED_MAX_TOKENS = 10_000;

/**
 * TokenVerifier for Cognito access tokens: signature (RS256 keys of the pool), issuer, `client_id`,
 * `token_use: access`, expiry and not-before. Any failure is UNAUTHORIZED with one message.
 *
 * A browser sends the same token with every request for its hour of life, and the RSA check plus parsing is the
 * largest piece of a request's own CPU after the query. So a token that passed is remembered, keyed by its exact
 * text (the signature covers every other check, so the same text always gets the same verdict), until its `exp`.
 * Revocation is not this class's concern: the auth service asks the identity provider about liveness.
 */
export class CognitoTokenVerifier implements TokenVerifier {
  private readonly verifier: AccessVerifier;
  private readonly verified = new Map<string, { user: VerifiedUser; expiresAtMs: number }>();

  /**
   * `jwks`: pin the keys (stand-ins, tests); without it the pool's JWKS is fetched from AWS on first use.
   * `nowMs`: the clock that expires remembered tokens (tests move it).
   */
  constructor(opts: CognitoTokenVerifierOptions, jwks?: Jwks, private readonly nowMs: () => number = Date.now) {
    this.verifier = createVerifier(opts, jwks);
  }

  async verifyAccessToken(token: string): Promise<VerifiedUser> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > this.nowMs()) return { ...known.user, groups: [...known.user.groups] };
      this.verified.delete(token);
      throw new DomainError("UNAUTHORIZED", INVALID_SESSION);
    }
    let payload: Awaited<ReturnType<AccessVerifier["verify"]>>;
    try {
      payload = await this.verifier.verify(token);
    } catch {
      throw new DomainError("UNAUTHORIZED", INVALID_SESSION);
    }
    const groups = payload["cognito:groups"];
    const username = typeof payload.username === "string" ? payload.username : payload.sub;
    const user: VerifiedUser = { sub: payload.sub, username, groups: Array.isArray(groups) ? groups.filter((g) => typeof g === "string") : [] };
    if (this.verified.size >= VERIFIED_MAX_TOKENS) this.verified.clear();
    this.verified.set(token, { user, expiresAtMs: payload.exp * 1000 });
    return user;
  }
}

/**
 * Builds the verifier for a composition root. With `jwksUrl` (local stand-ins and moto only: their signing keys
 * are public, so this path must never be configured in production) the JWKS is fetched once, now, and pinned.
 */
export async function createCognitoTokenVerifier(opts: CognitoTokenVerifierOptions & { jwksUrl?: string }): Promise<CognitoTokenVerifier> {
  if (!opts.jwksUrl) return new CognitoTokenVerifier(opts);
  const res = await fetch(opts.jwksUrl, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`could not fetch the JWKS from ${opts.jwksUrl}: HTTP ${res.status}`);
  const jwks = (await res.json()) as Jwks;
  return new CognitoTokenVerifier(opts, jwks);
}
