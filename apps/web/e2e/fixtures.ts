import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, type Route } from "@playwright/test";
import sharp from "sharp";

/** Screenshots at both sizes (and dark) plus an axe scan: see look.ts. */
export { look as screen } from "./look";

export const PASSWORD = "Sunny-days-42";
export const uniqueEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

export async function signUp(page: Page, email: string, password = PASSWORD) {
  await page.goto("/signup");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible({ timeout: 30_000 });
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * From now on `procedure`'s answers hand out links to `file` that have expired (as a list loaded long ago would), and
 * storage refuses them as S3 does; a link signed afresh (photos.get, videos.get) still works. Returns the refused
 * paths and an undo.
 */
export async function expireLinksIn(page: Page, procedure: "photos.list" | "videos.list", file: "preview.webp" | "video.mp4") {
  const list = new RegExp(`/trpc/[^?]*${procedure.replace(".", "\\.")}`);
  const stale = new RegExp(`/${file.replace(".", "\\.")}\\?expired=1`);
  const refused = new Set<string>();
  const rewrite = async (route: Route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()).replaceAll(`/${file}?`, `/${file}?expired=1&`) });
  };
  const refuse = async (route: Route) => {
    refused.add(new URL(route.request().url()).pathname);
    await route.fulfill({ status: 403, contentType: "application/xml", body: "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>" });
  };
  await page.route(list, rewrite);
  await page.route(stale, refuse);
  return { refused, undo: () => Promise.all([page.unroute(list, rewrite), page.unroute(stale, refuse)]) };
}

const dir = () => mkdtempSync(join(tmpdir(), "photoreel-fixtures-"));

const COLORS: [number, number, number][] = [
  [231, 111, 81], [42, 157, 143], [233, 196, 106], [38, 70, 83], [120, 80, 200], [200, 60, 120],
];

/** Uploads `n` generated photos, waits until every one is ready, and ticks them all (then "Make a video" opens them). */
export async function uploadAndPick(page: Page, n: number, timeoutMs: number) {
  await page.getByTestId("photo-input").setInputFiles(await makeJpegs(n));
  const ready = page.locator('[data-testid="photo-tile"][data-status="ready"]');
  await expect(ready).toHaveCount(n, { timeout: timeoutMs });
  for (const tile of await ready.all()) await tile.getByRole("checkbox").check();
}

/** A composer slide is titled "N. Photo M" until the photos have loaded: waits until none is, before titles are read. */
export async function slideTitlesLoaded(page: Page) {
  await expect(page.getByTestId("slide").locator(".photo-title").filter({ hasText: /^\d+\. Photo \d+$/ })).toHaveCount(0);
}

/** Real JPEGs (a colour gradient with a number on it) written to disk, so file pickers get stable lastModified. */
export async function makeJpegs(count: number, width = 960, height = 640): Promise<string[]> {
  const d = dir();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const [r, g, b] = COLORS[i % COLORS.length]!;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="rgb(${r},${g},${b})"/><stop offset="1" stop-color="rgb(${255 - r},${255 - g},${255 - b})"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <circle cx="${width * 0.7}" cy="${height * 0.35}" r="${height * 0.2}" fill="rgba(255,255,255,0.5)"/>
      <text x="50%" y="62%" font-family="DejaVu Sans" font-size="${height / 3}" font-weight="bold" text-anchor="middle" fill="white">${i + 1}</text></svg>`;
    const p = join(d, `photo-${i + 1}.jpg`);
    await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(p);
    out.push(p);
  }
  return out;
}

/** A file that claims to be a JPEG but is not: the API rejects it when the upload completes. */
export function makeBrokenJpeg(): string {
  const p = join(dir(), "not-a-photo.jpg");
  writeFileSync(p, "this is plain text pretending to be a photo\n".repeat(200));
  return p;
}

/** An uncompressed noise PNG of about `mb` megabytes: above the 16 MB multipart threshold, still a real image. */
export async function makeLargePng(mb = 20): Promise<string> {
  const side = Math.ceil(Math.sqrt((mb * 1024 * 1024) / 3));
  const p = join(dir(), "large-photo.png");
  await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toFile(p);
  return p;
}

/** A short WAV (mono 16-bit PCM sine tone), enough to be accepted as music. */
export function makeWav(seconds = 12, rate = 22050): string {
  const samples = seconds * rate;
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write("RIFF", 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write("WAVE", 8);
  buf.write("fmt ", 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write("data", 36);
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), 44 + i * 2);
  const p = join(dir(), "tune.wav");
  writeFileSync(p, buf);
  return p;
}
