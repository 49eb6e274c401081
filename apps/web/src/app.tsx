import { SIGNED_IN_PAGE } from "@photoreel/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Spinner } from "./components/ui";
import { errorCode } from "./lib/errors";
import { Link, navigate, usePathname } from "./lib/router";
import { onSessionExpired, trpc } from "./lib/trpc";
import { uploads } from "./lib/uploader";
import { SignIn, SignUp } from "./routes/auth";
import { Landing, LandingBar } from "./routes/landing";
import { NotFound } from "./routes/not-found";

const Library = lazy(() => import("./routes/library"));
const loadComposer = () => import("./routes/composer");
const Composer = lazy(loadComposer);
const Videos = lazy(() => import("./routes/videos"));
const VideoWatch = lazy(() => import("./routes/videos-watch"));
const Admin = lazy(() => import("./routes/admin"));

const NAV = [
  { to: "/library", label: "Library" },
  { to: "/compose", label: "Compose" },
  { to: "/videos", label: "Videos" },
];

export function App() {
  const path = usePathname();
  const qc = useQueryClient();
  const me = trpc.auth.me.useQuery(undefined, { retry: (n, e) => n < 2 && errorCode(e) !== "UNAUTHORIZED", staleTime: 5 * 60_000 });
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = trpc.auth.signOut.useMutation();
  const user = me.data ?? null;

  // Handled once per session: a page's calls can be refused in more than one batch, and clearing the cache again
  // while the app asks who is signed in would drop that question unanswered (the app stayed on "Loading" for ever).
  const expired = useRef(false);
  useEffect(() => {
    if (user) expired.current = false;
  }, [user]);
  useEffect(
    () =>
      onSessionExpired(() => {
        if (expired.current) return;
        expired.current = true;
        setNotice("Your session expired; sign in again");
        const here = location.pathname;
        navigate(`/signin${here.startsWith("/signin") ? "" : `?next=${encodeURIComponent(here)}`}`, { replace: true });
        uploads.reset();
        qc.clear();
      }),
    [qc],
  );

  // Move focus to the new page's heading so screen readers announce the change (not on first load, nor on opening or
  // closing the library's viewer, /library/photos/:id, which keeps focus itself and hands it back to the photo).
  const first = useRef(true);
  const prevPath = useRef(path);
  useEffect(() => {
    const overlay = /^\/library\/photos\//;
    const within = overlay.test(path) || overlay.test(prevPath.current);
    prevPath.current = path;
    if (first.current || within) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => document.querySelector<HTMLElement>("[data-page-title]")?.focus(), 50);
    return () => clearTimeout(t);
  }, [path]);

  useEffect(() => {
    if (user && (path === "/" || path === "/signin" || path === "/signup")) {
      const next = new URLSearchParams(location.search).get("next");
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/library", { replace: true });
    }
  }, [user, path]);

  // The library leads to the composer: its code is fetched while the user picks photos (when the page is idle), so
  // opening it starts on the first frame's photo at once (its chunks took 0.1-0.7 s of the cold first frame on a
  // busy 2-core machine, bench/composer).
  const onLibrary = Boolean(user) && path.startsWith("/library");
  useEffect(() => {
    if (!onLibrary) return;
    const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 200));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    const id = idle(() => void loadComposer().catch(() => undefined));
    return () => cancel(id);
  }, [onLibrary]);

  if (me.isPending) {
    return (
      <main>
        <Spinner label="Loading photoreel…" />
      </main>
    );
  }

  if (!user) {
    if (me.isError && errorCode(me.error) !== "UNAUTHORIZED") {
      return (
        <main className="auth">
          <div className="alert alert-error" role="alert">
            photoreel is not reachable right now. <button type="button" className="link-btn" onClick={() => void me.refetch()}>Try again</button>
          </div>
        </main>
      );
    }
    const onSignedIn = () => {
      setNotice(null);
      void me.refetch();
    };
    if (path === "/") return <Landing />;
    if (path === "/signup") return <SignUp onSignedIn={onSignedIn} />;
    if (path === "/signin" || SIGNED_IN_PAGE.test(path)) return <SignIn notice={notice} onSignedIn={onSignedIn} />;
    return (
      <div className="landing">
        <LandingBar />
        <main id="main">
          <NotFound signedIn={false} path={path} />
        </main>
      </div>
    );
  }

  const doSignOut = async () => {
    await signOut.mutateAsync().catch(() => {});
    uploads.reset();
    qc.clear();
    navigate("/signin", { replace: true });
  };

  let page;
  if (path !== "/" && !SIGNED_IN_PAGE.test(path)) page = <NotFound signedIn path={path} />;
  else if (path.startsWith("/compose")) page = <Composer />;
  else if (/^\/videos\/[^/]+$/.test(path)) page = <VideoWatch key={path} id={decodeURIComponent(path.slice("/videos/".length))} />;
  else if (path.startsWith("/videos")) page = <Videos />;
  else if (path.startsWith("/admin")) page = <Admin />;
  else page = <Library />;

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/library" className="brand" aria-label="photoreel home">
            <span className="brand-mark" aria-hidden="true" />
            photoreel
          </Link>
          <nav className="nav" aria-label="Main">
            {[...NAV, ...(user.isAdmin ? [{ to: "/admin", label: "Admin" }] : [])].map((n) => (
              <Link key={n.to} to={n.to} aria-current={path.startsWith(n.to) || (n.to === "/library" && path === "/") ? "page" : undefined}>
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="account">
            <span className="account-email" title={user.email}>
              {user.email}
            </span>
            <button type="button" onClick={() => void doSignOut()} disabled={signOut.isPending}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main">
        <Suspense fallback={<Spinner label="Loading…" />}>{page}</Suspense>
      </main>
    </>
  );
}
