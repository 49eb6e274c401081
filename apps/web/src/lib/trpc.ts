import type { AppRouter } from "@photoreel/api";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCLink } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import { observable } from "@trpc/server/observable";

export const trpc = createTRPCReact<AppRouter>();

/** Calls that must not trigger a silent refresh (they are how a session starts or ends). */
const NO_REFRESH = new Set(["auth.refresh", "auth.signIn", "auth.signUp", "auth.confirmSignUp", "auth.signOut"]);

const expiredListeners = new Set<() => void>();
/** Called when a signed-in session could not be renewed. */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

let refreshing: Promise<boolean> | null = null;

/**
 * Renews the access cookie with the refresh cookie. It is sent on its own (not batched): the refresh cookie's path
 * is exactly /trpc/auth.refresh, so a batched URL would not carry it. Concurrent callers share one request.
 */
function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/trpc/auth.refresh", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: "{}",
  })
    .then(async (r) => {
      if (!r.ok) return false;
      const body = (await r.json()) as { result?: { data?: { ok?: boolean } } };
      return body.result?.data?.ok === true;
    })
    .catch(() => false)
    .finally(() => {
      // Only calls in flight share a refresh; a later expiry (or cleared cookies) must ask again.
      refreshing = null;
    });
  return refreshing;
}

/** On UNAUTHORIZED: refresh once, then retry the call; if the refresh fails, the session has expired. */
const sessionLink: TRPCLink<AppRouter> = () => ({ next, op }) =>
  observable((observer) => {
    let unsubscribe = () => {};
    let retried = false;
    let closed = false;
    const attempt = () => {
      const sub = next(op).subscribe({
        next: (v) => observer.next(v),
        complete: () => observer.complete(),
        error: (err) => {
          if (closed) return;
          if (!retried && !NO_REFRESH.has(op.path) && err.data?.code === "UNAUTHORIZED") {
            retried = true;
            void refreshSession().then((ok) => {
              if (closed) return;
              if (ok) return attempt();
              if (op.path !== "auth.me") for (const l of expiredListeners) l();
              observer.error(err);
            });
            return;
          }
          // Still refused right after a refresh: the session is gone after all.
          if (retried && op.path !== "auth.me" && err.data?.code === "UNAUTHORIZED") for (const l of expiredListeners) l();
          observer.error(err);
        },
      });
      unsubscribe = () => sub.unsubscribe();
    };
    attempt();
    return () => {
      closed = true;
      unsubscribe();
    };
  });

export const links = () => [
  sessionLink,
  splitLink({
    // Refresh and sign-out alone (the refresh cookie's paths); everything else batched.
    condition: (op) => op.path === "auth.refresh",
    true: httpLink({ url: "/trpc" }),
    false: splitLink({
      // A batch of one (/trpc/auth.signOut?batch=1): the path the cookie names, and a JSON body even without input.
      condition: (op) => op.path === "auth.signOut",
      true: httpBatchLink({ url: "/trpc", maxItems: 1 }),
      false: httpBatchLink({ url: "/trpc", maxURLLength: 2000, maxItems: 20 }),
    }),
  }),
];

/** For code outside React (the upload queue). */
export const api = createTRPCClient<AppRouter>({ links: links() });
