import type { AuthTokens } from "@photoreel/core";
import type { SessionStore } from "@photoreel/api";
import { parse, serialize, type SerializeOptions } from "cookie";
import type { Request, Response } from "express";

const ACCESS_COOKIE = "pr_at";
const REFRESH_COOKIE = "pr_rt";
const REFRESH_MAX_AGE_S = 30 * 24 * 3600;
/**
 * Only these calls need the refresh token, so its cookie is set once per path and sent nowhere else: refresh, and
 * sign-out, which revokes it even when the access cookie has already expired. Each is sent alone, not batched.
 */
const REFRESH_PATHS = ["/trpc/auth.refresh", "/trpc/auth.signOut"];

/** Tokens in httpOnly, SameSite=Strict cookies; Secure whenever the app is served over HTTPS. */
export function cookieSession(req: Request, res: Response, secure: boolean): SessionStore {
  const jar = parse(req.headers.cookie ?? "");
  const opts = (maxAge: number, path = "/"): SerializeOptions => ({ httpOnly: true, sameSite: "strict", secure, path, maxAge });
  const state = { access: jar[ACCESS_COOKIE] ?? null, refresh: jar[REFRESH_COOKIE] ?? null };
  const append = (c: string) => res.append("Set-Cookie", c);
  return {
    get accessToken() {
      return state.access;
    },
    get refreshToken() {
      return state.refresh;
    },
    set(t: AuthTokens) {
      state.access = t.accessToken;
      append(serialize(ACCESS_COOKIE, t.accessToken, opts(t.expiresIn)));
      if (t.refreshToken) {
        state.refresh = t.refreshToken;
        for (const path of REFRESH_PATHS) append(serialize(REFRESH_COOKIE, t.refreshToken, opts(REFRESH_MAX_AGE_S, path)));
      }
    },
    clear() {
      state.access = null;
      state.refresh = null;
      append(serialize(ACCESS_COOKIE, "", opts(0)));
      for (const path of REFRESH_PATHS) append(serialize(REFRESH_COOKIE, "", opts(0, path)));
    },
  };
}

/** Bearer header (scripts) first, then the session cookie (browsers). */
export function requestToken(req: Request, session: SessionStore): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith("Bearer ")) return h.slice(7).trim() || null;
  return session.accessToken;
}
