import type { SharedVideo } from "@photoreel/core";

/** What the share page shows: the video, or what happened to the link. */
export type SharePageState =
  /** base: the link's absolute URL (for the unfurl tags); path: the same on this origin (for the page itself). */
  | { kind: "video"; video: SharedVideo; base: string; path: string; secure: boolean }
  | { kind: "expired" | "revoked" | "unknown" | "unavailable"; message: string };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const bytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
const duration = (s: number) => {
  const t = Math.round(s);
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
};
/** The server does not know the visitor's time zone: a plain UTC date, with the exact instant in datetime. */
const utc = (iso: string) =>
  `${new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" })} UTC`;

const HEADINGS: Record<Exclude<SharePageState["kind"], "video">, string> = {
  expired: "This link has expired",
  revoked: "This link was turned off",
  unknown: "No video at this link",
  unavailable: "Try again in a moment",
};

/**
 * The whole page as one HTML string: one same-origin script (local time; the CSP allows only the app's own, and the
 * page works without it), one inline stylesheet (the CSP
 * allows inline styles) built on the same design tokens as the app (apps/web/src/styles/tokens.css), so it needs
 * nothing from the web build and also works where the API serves no web app.
 */
export function shareDocument(state: SharePageState): string {
  if (state.kind !== "video") {
    const heading = HEADINGS[state.kind];
    return page({
      title: `${heading} · photoreel`,
      head: `<meta name="robots" content="noindex">`,
      body: `<section class="gone" aria-labelledby="h">
        <h1 id="h">${esc(heading)}</h1>
        <p>${esc(state.message)}</p>
        <p><a class="button" href="/">Go to photoreel</a></p>
      </section>`,
    });
  }
  const { video: v, base, path, secure } = state;
  const title = v.title?.trim() || "A video made with photoreel";
  const description = `${duration(v.durationSeconds)} video, ${v.width}×${v.height}, ${bytes(v.bytes)}. Shared with photoreel.`;
  const video = `${base}/video.mp4`;
  const poster = `${base}/poster.jpg`;
  const og: [string, string][] = [
    ["og:type", "video.other"],
    ["og:site_name", "photoreel"],
    ["og:title", title],
    ["og:description", description],
    ["og:url", base],
    ["og:image", poster],
    ["og:image:type", "image/jpeg"],
    ["og:image:width", String(v.width)],
    ["og:image:height", String(v.height)],
    ["og:image:alt", `Poster of ${title}`],
    ["og:video", video],
    ...(secure ? ([["og:video:secure_url", video]] as [string, string][]) : []),
    ["og:video:type", "video/mp4"],
    ["og:video:width", String(v.width)],
    ["og:video:height", String(v.height)],
    ["og:video:duration", String(Math.round(v.durationSeconds))],
  ];
  const twitter: [string, string][] = [
    ["twitter:card", "summary_large_image"],
    ["twitter:title", title],
    ["twitter:description", description],
    ["twitter:image", poster],
    ["twitter:image:alt", `Poster of ${title}`],
  ];
  const portrait = v.height > v.width;
  return page({
    title: `${title} · photoreel`,
    head: [
      `<meta name="description" content="${esc(description)}">`,
      // A private link: search engines keep out, the people it was sent to can still open it.
      `<meta name="robots" content="noindex">`,
      ...og.map(([k, c]) => `<meta property="${k}" content="${esc(c)}">`),
      ...twitter.map(([k, c]) => `<meta name="${k}" content="${esc(c)}">`),
      `<script src="/share-page.js" defer></script>`,
    ].join("\n    "),
    body: `<article class="watch${portrait ? " portrait" : ""}" aria-labelledby="h">
        <div class="player" style="aspect-ratio: ${v.width} / ${v.height}">
          <video controls playsinline preload="metadata" poster="${esc(`${path}/poster.jpg`)}" width="${v.width}" height="${v.height}" aria-label="${esc(title)}">
            <source src="${esc(`${path}/video.mp4`)}" type="video/mp4">
            <p>Your browser cannot play this video here. <a href="${esc(`${path}/download`)}">Download it</a> instead.</p>
          </video>
        </div>
        <div class="info">
          <h1 id="h">${esc(title)}</h1>
          <dl>
            <div><dt>Length</dt><dd>${duration(v.durationSeconds)}</dd></div>
            <div><dt>Size</dt><dd>${v.width}×${v.height}, ${bytes(v.bytes)}</dd></div>
            <div><dt>Link works until</dt><dd><time datetime="${v.expiresAt}" data-local>${utc(v.expiresAt)}</time></dd></div>
          </dl>
          <p><a class="button primary" href="${esc(`${path}/download`)}" download="${esc(v.downloadName)}">Download video (${bytes(v.bytes)})</a></p>
        </div>
      </article>`,
  });
}

function page(p: { title: string; head: string; body: string }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>${esc(p.title)}</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml">
    ${p.head}
    <style>${CSS}</style>
  </head>
  <body>
    <header><div class="bar"><a class="brand" href="/"><span class="mark" aria-hidden="true"></span>photoreel</a></div></header>
    <main>
      ${p.body}
    </main>
  </body>
</html>`;
}

// The tokens the page uses, copied from apps/web/src/styles/tokens.css (light and dark).
const CSS = `
:root { color-scheme: light dark; --bg: #f7f7f5; --surface: #ffffff; --text: #1d2330; --muted: #5b6472; --border: #dcdfe4;
  --accent: #3b5bdb; --accent-hover: #2f4ac0; --on-accent: #ffffff; --link: #3b5bdb; --focus: #1c7ed6; --media-bg: #0b0c0f;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; --radius: 10px; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1115; --surface: #181b21; --text: #e6e8ec; --muted: #a3abb8; --border: #2e333c;
    --accent: #4263eb; --accent-hover: #5474f0; --on-accent: #ffffff; --link: #8ea2ff; --focus: #74c0fc; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.5 var(--font); }
header { padding: 12px 24px; border-bottom: 1px solid var(--border); background: var(--surface); }
header .bar { max-width: 1052px; margin: 0 auto; }
.brand { display: inline-flex; align-items: center; gap: 8px; font-weight: 700; color: var(--text); text-decoration: none; }
.mark { position: relative; width: 22px; height: 22px; border-radius: 6px; background: var(--accent); }
.mark::after { content: ""; position: absolute; left: 8px; top: 6px; border-left: 8px solid #fff; border-top: 5px solid transparent; border-bottom: 5px solid transparent; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
a { color: var(--link); }
a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.watch { display: grid; gap: 24px; }
.player { background: var(--media-bg); border-radius: var(--radius); overflow: hidden; width: 100%; max-height: 75vh; margin: 0 auto; }
.player video { display: block; width: 100%; height: 100%; object-fit: contain; background: var(--media-bg); }
.portrait .player { width: auto; height: min(75vh, 720px); max-width: 100%; }
@media (min-width: 900px) {
  .watch.portrait { grid-template-columns: auto 1fr; align-items: start; }
}
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 12px; overflow-wrap: anywhere; }
dl { display: flex; flex-wrap: wrap; gap: 8px 32px; margin: 0 0 20px; }
dt { color: var(--muted); font-size: 0.8125rem; }
dd { margin: 0; font-weight: 560; }
.button { display: inline-block; padding: 10px 18px; border-radius: 8px; border: 1px solid var(--border); background: var(--surface);
  color: var(--text); text-decoration: none; font-weight: 560; }
.button.primary { background: var(--accent); border-color: var(--accent); color: var(--on-accent); }
.button.primary:hover { background: var(--accent-hover); }
.gone { max-width: 520px; margin: 12vh auto 0; padding: 32px; background: var(--surface); border: 1px solid var(--border);
  border-radius: var(--radius); text-align: center; }
.gone p { color: var(--muted); }
.gone p:last-child { margin-bottom: 0; }
@media (max-width: 600px) {
  main { padding: 16px; } header { padding: 12px 16px; } .gone { margin-top: 6vh; padding: 24px; }
  /* A phone shows the video at full width in its own shape (no height cap: a tall video scrolls, it is not boxed). */
  .player, .portrait .player { max-height: none; width: 100%; height: auto; }
}
`;
