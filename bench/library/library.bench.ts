/// <reference lib="dom" />
/**
 * Library scroll bench: Chromium (Playwright) flings through the real library screen and prints the DOM size and the
 * frames dropped while scrolling, for a 1,000- and a 10,000-photo library, against two baselines in the same run:
 *   - floor: the same fling over an empty page as tall as the library (what this machine drops with nothing to draw);
 *   - naive: every photo of the 10,000 as a lazy <img> tile in one flex-wrap grid (no virtualisation).
 *   pnpm exec tsx bench/library/library.bench.ts [--short]
 * Photos are seeded straight into the database and their thumbnails straight into the S3 stand-in (the grid reads
 * nothing else). The app is the real API (embedded stand-ins + the real PostgreSQL server) serving the built web app;
 * the browser is signed in with the cookies sign-in sets.
 * Exits non-zero when the grid is not virtualised (its DOM grows as pages load, or holds hundreds of tiles); speed
 * figures, and whether the fling got through every page in time, are reported, not enforced (the machine is shared
 * and noisy: read the ratios).
 * --short (CI): 150 and 400 photos, a shorter time limit: enough pages for the DOM-bound checks, at half the fling time.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "@playwright/test";
import { keys } from "@photoreel/core";
import sharp from "sharp";
import { PASSWORD, startTestStack } from "@photoreel/api/testing";
import { trpcHttp } from "@photoreel/testkit";
import { startApiProcess } from "../api/api-process.ts";
import { seedPhotos } from "../api/seed.ts";
import { ensureWebBuild } from "../api/web-build.ts";

const short = process.argv.includes("--short");
const SIZES = short ? [150, 400] : [1_000, 10_000];
/** Fling speed: a hard touchpad flick, held: 120 px per 60-Hz frame. Time-based, so a slow frame scrolls further. */
const PX_PER_MS = 7.2;
/** No fling runs longer than this, even if loading stalls (a stall is reported as not reaching the end). */
const MAX_FLING_MS = short ? 60_000 : 240_000;
const repo = join(import.meta.dirname, "..", "..");
const web = join(repo, "apps", "web");

interface FlingResult {
  name: string;
  photos: number;
  reachedEnd: boolean;
  seconds: number;
  frames: number;
  dropped: number;
  p95FrameMs: number;
  maxFrameMs: number;
  longTasks: number;
  /** DOM size ten frames in (one page loaded) and when the fling stopped (every page loaded, if it reached the end). */
  startDomNodes: number;
  endDomNodes: number;
  maxDomNodes: number;
  maxTiles: number;
  pxScrolled: number;
}

/** The fling, run in the page (see fling()). */
const FLING_IN_PAGE = `async ({ pxPerMs, maxMs, library, tileSelector }) => {
  const countTiles = () => (tileSelector ? document.querySelectorAll(tileSelector).length : 0);
  let longTasks = 0;
  const po = new PerformanceObserver((l) => void (longTasks += l.getEntries().length));
  try { po.observe({ entryTypes: ["longtask"] }); } catch { /* not supported: reported as 0 */ }
  const intervals = [];
  let maxDom = 0, maxTiles = 0, frame = 0, reachedEnd = false, startDom = 0;
  const t0 = performance.now();
  let last = t0;
  await new Promise((done) => {
    const step = (now) => {
      if (frame > 0) intervals.push(now - last);
      last = now;
      frame++;
      if (frame % 10 === 0) {
        const dom = document.getElementsByTagName("*").length;
        if (frame === 10) startDom = dom;
        maxDom = Math.max(maxDom, dom);
        maxTiles = Math.max(maxTiles, countTiles());
      }
      const atBottom = window.scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
      // The library is at its end when no more pages are coming (no "Load more" and no loading row).
      const complete = !library || !document.querySelector(".grid-more, .load-more");
      if (atBottom && complete) { reachedEnd = true; return done(); }
      if (now - t0 > maxMs) return done();
      window.scrollBy(0, frame > 1 ? pxPerMs * intervals[intervals.length - 1] : pxPerMs * 16.7);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  po.disconnect();
  maxDom = Math.max(maxDom, document.getElementsByTagName("*").length);
  const sorted = [...intervals].sort((a, b) => a - b);
  const FRAME = 1000 / 60;
  const dropped = intervals.reduce((a, dt) => a + Math.max(0, Math.round(dt / FRAME) - 1), 0);
  return {
    reachedEnd, seconds: (performance.now() - t0) / 1000, frames: intervals.length, dropped,
    p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0, maxFrameMs: sorted.at(-1) ?? 0, longTasks,
    startDomNodes: startDom, endDomNodes: document.getElementsByTagName("*").length, maxDomNodes: maxDom, maxTiles, pxScrolled: window.scrollY,
  };
}`;

const failures: string[] = [];
const started = performance.now();
ensureWebBuild(web);
const t = await startTestStack({ env: { QUOTA_PHOTOS: "100000000", QUOTA_BYTES: String(2 ** 50), WEB_DIST_DIR: join(web, "dist") } });
const api = await startApiProcess({ ...t.env, LOG_LEVEL: "silent" });
const baseUrl = api.baseUrl;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  console.log(`library bench (${short ? "short" : "full"}): fling at ${PX_PER_MS * 1000} px/s through ${SIZES.map((n) => n.toLocaleString("en")).join(" and ")} photos, 1440x900, Chromium headless; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const thumbs = await thumbnails();
  const users: { cookies: string[]; photos: number }[] = [];
  for (const n of SIZES) {
    const email = `bench-library-${n}-${Date.now()}@example.com`;
    const up = await trpcHttp(baseUrl, "auth.signUp", { email, password: PASSWORD });
    if (up.status !== 200) throw new Error(`sign-up failed: ${up.status}`);
    const inn = await trpcHttp(baseUrl, "auth.signIn", { email, password: PASSWORD });
    const token = (inn.body.result?.data as { accessToken?: string } | undefined)?.accessToken;
    if (!token) throw new Error(`sign-in failed: ${inn.status}`);
    const sub = (await t.app.verifier.verifyAccessToken(token)).sub;
    // The browser gets the session cookies sign-in set (the library only reads: GET requests, no origin check).
    const s0 = performance.now();
    const ids = await seedPhotos(t.app.db, sub, n);
    await putThumbnails(sub, ids, thumbs);
    console.log(`seeded ${n.toLocaleString("en")} photos + thumbnails in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    users.push({ cookies: inn.cookies, photos: n });
  }

  const results: FlingResult[] = [];
  const largest = users.at(-1)!;
  for (const u of users) {
    const page = await signedInPage(u.cookies);
    await page.goto(`${baseUrl}/library`);
    await page.getByTestId("photo-tile").first().waitFor({ timeout: 60_000 });
    const r = await fling(page, `library (virtualised)`, u.photos, "[data-testid=photo-tile]", true);
    results.push(r);
    if (u === largest) {
      // Floor: an empty page exactly as tall as the library was at its end (off the app's origin: no CSP for inline styles).
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const urls = await listThumbnailUrls(page);
      await page.goto("about:blank");
      await page.setContent(`<!doctype html><body style="margin:0"><div style="height:${height}px;background:linear-gradient(#fff,#ddd)"></div>`);
      results.push(await fling(page, "floor: empty page", u.photos, "", false));
      // Naive: every tile in the DOM at once (lazy images), what a plain CSS grid of the whole library would be.
      await page.setContent(naiveGrid(urls));
      results.push(await fling(page, "naive: all tiles in the DOM", u.photos, ".t", false));
    }
    await page.context().close();
  }

  // Report.
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`\n| run | photos | reached end | s | frames | dropped | dropped % | p95 frame ms | max frame ms | long tasks | DOM nodes start / end / max | max tiles |`);
  console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|`);
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.photos.toLocaleString("en")} | ${r.reachedEnd ? "yes" : "NO"} | ${r.seconds.toFixed(1)} | ${r.frames} | ${r.dropped} | ${pad(((100 * r.dropped) / Math.max(1, r.frames + r.dropped)).toFixed(1), 5)} | ${r.p95FrameMs.toFixed(1)} | ${r.maxFrameMs.toFixed(0)} | ${r.longTasks} | ${r.startDomNodes.toLocaleString("en")} / ${r.endDomNodes.toLocaleString("en")} / ${r.maxDomNodes.toLocaleString("en")} | ${r.maxTiles.toLocaleString("en")} |`,
    );
  }
  const [small, big, floor, naive] = results;
  if (small && big && floor && naive) {
    const dropRate = (r: FlingResult) => r.dropped / Math.max(1, r.frames + r.dropped);
    console.log(`\nDOM nodes with all ${big.photos.toLocaleString("en")} photos loaded / with the first page: ${(big.endDomNodes / big.startDomNodes).toFixed(2)}x (bounded: ~1x; a non-virtualised grid grows ${big.photos / 100}x)`);
    console.log(`max DOM nodes: ${big.photos.toLocaleString("en")}-photo library / ${small.photos.toLocaleString("en")}-photo library: ${(big.maxDomNodes / small.maxDomNodes).toFixed(2)}x (the seeded years are the same, so the larger library has more photos per day on screen)`);
    console.log(`DOM nodes: naive grid / library at ${big.photos.toLocaleString("en")} photos: ${(naive.maxDomNodes / big.maxDomNodes).toFixed(1)}x`);
    console.log(`dropped-frame rate: library ${(100 * dropRate(big)).toFixed(1)}% vs floor ${(100 * dropRate(floor)).toFixed(1)}% vs naive ${(100 * dropRate(naive)).toFixed(1)}%`);
    // Correctness, not speed: the grid must not grow with the library, and must scroll through all of it.
    if (big.endDomNodes > big.startDomNodes * 1.5 + 200) failures.push(`the DOM grows as photos load: ${big.startDomNodes} nodes with one page, ${big.endDomNodes} at the end of the fling`);
    if (big.maxTiles > Math.min(400, big.photos / 2)) failures.push(`${big.maxTiles} tiles in the DOM at once: the grid is not virtualised`);
  }
  // Reaching the end in time depends on how fast pages load on this shared machine: reported, not a failure.
  for (const r of results.filter((x) => x.name.startsWith("library") && !x.reachedEnd)) console.log(`note: the fling stopped before the last of ${r.photos.toLocaleString("en")} photos (time limit ${MAX_FLING_MS / 1000} s; pages load slowly under this load)`);
} finally {
  await browser.close();
  await api.stop();
  await t.stop();
}
console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}; total ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (failures.length) {
  console.error(`\nFAILED:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}

/**
 * Scrolls down at a steady PX_PER_MS (per elapsed time between animation frames) until the page's end (for the
 * library: with every photo loaded) or the time limit. Frame intervals give dropped frames (an interval of k 60-Hz
 * frames drops k-1); DOM size is sampled every 10 frames.
 */
async function fling(page: Page, name: string, photos: number, tileSelector: string, library: boolean): Promise<FlingResult> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const args = { pxPerMs: PX_PER_MS, maxMs: MAX_FLING_MS, library, tileSelector };
  // Sent as source text: tsx would otherwise wrap the named functions in a helper the page does not have.
  const r = (await page.evaluate(`(${FLING_IN_PAGE})(${JSON.stringify(args)})`)) as Omit<FlingResult, "name" | "photos">;
  return { name, photos, ...r };
}


async function signedInPage(cookies: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies(
    cookies.map((c) => {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      return { name: pair!.slice(0, at).trim(), value: pair!.slice(at + 1).trim(), url: baseUrl };
    }),
  );
  return context.newPage();
}

/** The naive baseline's tiles: every photo's thumbnail URL, paged through the same API the app uses. */
async function listThumbnailUrls(page: Page): Promise<{ url: string; w: number; h: number }[]> {
  return page.evaluate(async () => {
    const out: { url: string; w: number; h: number }[] = [];
    let cursor: string | null = null;
    do {
      const input = encodeURIComponent(JSON.stringify({ sort: "taken", limit: 100, status: ["processing", "ready"], cursor }));
      const res = await fetch(`/trpc/photos.list?input=${input}`);
      const body = (await res.json()) as { result: { data: { items: { thumbnailUrl: string; width: number; height: number }[]; nextCursor: string | null } } };
      for (const p of body.result.data.items) out.push({ url: p.thumbnailUrl, w: p.width, h: p.height });
      cursor = body.result.data.nextCursor;
    } while (cursor);
    return out;
  });
}

function naiveGrid(tiles: { url: string; w: number; h: number }[]): string {
  const items = tiles.map((x) => `<div class="t" style="flex-grow:${(x.w / x.h).toFixed(3)};width:${Math.round((210 * x.w) / x.h)}px"><img src="${x.url}" loading="lazy" alt=""></div>`).join("");
  return `<!doctype html><meta charset="utf-8"><style>body{margin:0;font:14px sans-serif}.g{display:flex;flex-wrap:wrap;gap:4px;padding:0 16px}.t{height:210px;background:#eee}.t img{width:100%;height:100%;object-fit:cover}</style><div class="g">${items}</div>`;
}

/** A handful of real WebP thumbnails (landscape and portrait, as the seeded photos are), reused across keys. */
async function thumbnails(): Promise<{ landscape: Buffer[]; portrait: Buffer[] }> {
  const make = (w: number, h: number, hue: number) =>
    sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},60%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 90) % 360},50%,30%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${w * 0.7}" cy="${h * 0.3}" r="${h / 6}" fill="rgba(255,255,255,.5)"/></svg>`))
      .webp({ quality: 70 })
      .toBuffer();
  const hues = [10, 60, 130, 200, 260, 320];
  return { landscape: await Promise.all(hues.map((h) => make(320, 240, h))), portrait: await Promise.all(hues.map((h) => make(240, 320, h))) };
}

async function putThumbnails(ownerId: string, ids: string[], thumbs: { landscape: Buffer[]; portrait: Buffer[] }) {
  const rows = await t.app.db.selectFrom("photos").select(["id", "width", "height"]).where("owner_id", "=", ownerId).execute();
  const portrait = new Set(rows.filter((r) => (r.height ?? 0) > (r.width ?? 0)).map((r) => r.id));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const id = ids[i]!;
      const set = portrait.has(id) ? thumbs.portrait : thumbs.landscape;
      await t.app.adapters.blobs.put(keys.photoThumb(ownerId, id), set[i % set.length]!, "image/webp");
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
