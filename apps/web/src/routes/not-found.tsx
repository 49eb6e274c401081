import { Link } from "../lib/router";

/** Any address the app does not know: say so, and offer the way back (the library when signed in, else home). */
export function NotFound({ signedIn, path }: { signedIn: boolean; path: string }) {
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <p className="not-found-code" aria-hidden="true">
        404
      </p>
      <h1 id="not-found-title" data-page-title tabIndex={-1}>
        Page not found
      </h1>
      <p className="muted">
        There is nothing at <span className="mono">{path}</span>. The link may be mistyped, or the page may have moved.
      </p>
      <div className="row center">
        {signedIn ? (
          <Link to="/library" className="button primary">
            Go to your library
          </Link>
        ) : (
          <>
            <Link to="/" className="button primary">
              Go to the home page
            </Link>
            <Link to="/signin" className="button">
              Sign in
            </Link>
          </>
        )}
      </div>
    </section>
  );
}
