import { createElement, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

/** A very small history router: the app has five screens, which does not justify a dependency. */
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== "undefined") window.addEventListener("popstate", notify);

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function navigate(to: string, opts: { replace?: boolean; state?: unknown } = {}) {
  if (opts.replace) history.replaceState(opts.state ?? null, "", to);
  else history.pushState(opts.state ?? null, "", to);
  notify();
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return createElement("a", { ...rest, href: to, onClick: handle });
}
