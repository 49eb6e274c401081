// The web app's pages: one definition for both sides. The web app routes by it; the API's fallback answers these
// with the app's index and 200, and any other address with the index and 404.

/** Screens behind sign-in: a signed-out visitor at one of them is asked to sign in. */
export const SIGNED_IN_PAGE = /^\/(library|compose|videos|admin)(\/|$)/;
/** Screens anyone may open. */
export const PUBLIC_PAGES: readonly string[] = ["/", "/signin", "/signup"];

/** Whether `path` is one of the web app's pages (anything else is the app's "Page not found", served with a 404). */
export const isWebPage = (path: string): boolean => PUBLIC_PAGES.includes(path) || SIGNED_IN_PAGE.test(path);
