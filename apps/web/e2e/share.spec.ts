import type { VideoView } from "@photoreel/contracts";
import { devices, expect, test, type Page } from "@playwright/test";
import { makeJpegs, screen, signUp, uniqueEmail } from "./fixtures";

/** A tRPC call with the page's session cookies (plain JSON: the API has no transformer). */
async function trpc<T>(page: Page, path: string, input: unknown, mutation = false): Promise<T> {
  const res = mutation
    ? await page.request.post(`/trpc/${path}`, { data: input, headers: { "content-type": "application/json" } })
    : await page.request.get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

const waitReady = (page: Page, id: string) =>
  expect.poll(async () => (await trpc<VideoView>(page, "videos.get", { id })).status, { timeout: 240_000, intervals: [1000] }).toBe("READY");

/** The rendered box of the page's player: its width over its height. */
const playerRatio = async (page: Page) => {
  const box = (await page.getByTestId("player").boundingBox())!;
  return box.width / box.height;
};

test("watch page for 16:9 and 9:16, the share page as a signed-out visitor, revoking a link", async ({ page, browser }) => {
  test.setTimeout(8 * 60_000);
  await signUp(page, uniqueEmail("share"));
  await page.getByTestId("photo-input").setInputFiles(await makeJpegs(3));
  await expect(page.locator('[data-testid="photo-tile"][data-status="ready"]')).toHaveCount(3, { timeout: 120_000 });
  const photos = await trpc<{ items: { id: string }[] }>(page, "photos.list", { sort: "uploaded", limit: 10 });
  const spec = (title: string, aspect: string) => ({ title, slides: photos.items.map((p) => ({ photoId: p.id })), secondsPerPhoto: 2, aspect, resolution: "720p", fps: 24, quality: "draft" });
  const wide = await trpc<VideoView>(page, "videos.create", spec("Wide holiday", "16:9"), true);
  const tall = await trpc<VideoView>(page, "videos.create", spec("Tall holiday", "9:16"), true);

  // Waiting behind the other render: the first photo is its poster, with the progress over it (not a grey box).
  await page.goto(`/videos/${tall.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Tall holiday" })).toBeVisible();
  await expect(page.getByTestId("cover")).toBeVisible();
  await expect.poll(() => page.getByTestId("cover").evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByRole("progressbar", { name: "Rendering Tall holiday" })).toBeVisible();
  await screen(page, "20-video-watch-queued");

  await waitReady(page, wide.id);
  await waitReady(page, tall.id);

  // The list: cards line up (every card of the first row starts at the same height).
  await page.goto("/videos");
  const cards = page.getByTestId("video-card");
  await expect(cards).toHaveCount(2);
  const tops = await cards.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);
  await screen(page, "21-videos-list");

  // The watch page: the player takes the video's own shape.
  await cards.filter({ hasText: "Wide holiday" }).getByRole("link", { name: "Wide holiday" }).click();
  await expect(page).toHaveURL(new RegExp(`/videos/${wide.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Wide holiday" })).toBeVisible();
  expect(await playerRatio(page)).toBeCloseTo(16 / 9, 1);
  await expect(page.getByText("1280×720 (16:9)")).toBeVisible();
  await screen(page, "22-video-watch-16x9");

  await page.goto(`/videos/${tall.id}`);
  expect(await playerRatio(page)).toBeCloseTo(9 / 16, 1);
  const player = page.getByTestId("player");
  await player.evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()));
  await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(0.5);
  await player.evaluate((v: HTMLVideoElement) => v.pause());

  // Share (a desktop browser: "Copy", not the system share sheet), twice: both links are listed.
  await page.getByRole("button", { name: "Create link" }).click();
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(/\/s\/[\w-]{32}$/);
  await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
  await page.getByRole("button", { name: "New link" }).click();
  await expect(page.getByTestId("share-url")).not.toHaveValue(url);
  await expect(page.getByTestId("share-link")).toHaveCount(2);
  await screen(page, "23-video-watch-9x16-shared");

  // A signed-out visitor opens the first link: a real page that unfurls, whose video plays.
  const visitor = await browser.newContext();
  const guest = await visitor.newPage();
  // The page works under the app's Content Security Policy (helmet): nothing it needs is refused.
  const refused: string[] = [];
  guest.on("console", (m) => void (/Content Security Policy/i.test(m.text()) && refused.push(m.text())));
  await guest.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => console.error(`Content Security Policy refused ${e.blockedURI} (${e.violatedDirective})`)));
  const path = new URL(url).pathname;
  const res = await guest.goto(path);
  expect(res?.status()).toBe(200);
  const meta = (key: string) => guest.locator(`meta[property="${key}"], meta[name="${key}"]`).getAttribute("content");
  expect(await meta("og:title")).toBe("Tall holiday");
  expect(await meta("og:type")).toBe("video.other");
  expect(await meta("og:video")).toMatch(new RegExp(`${path}/video\\.mp4$`));
  expect(await meta("og:video:type")).toBe("video/mp4");
  expect(await meta("og:video:width")).toBe("720");
  expect(await meta("og:video:height")).toBe("1280");
  expect(await meta("og:image")).toMatch(new RegExp(`${path}/poster\\.jpg$`));
  expect(await meta("twitter:card")).toBe("summary_large_image");
  await expect(guest.getByRole("heading", { level: 1, name: "Tall holiday" })).toBeVisible();
  await expect(guest.getByRole("link", { name: /Download video/ })).toBeVisible();
  await expect(guest.getByText("Link works until")).toBeVisible();
  // The expiry in the visitor's own time zone (the page's script), not the server's UTC.
  await expect(guest.locator("time[data-local]")).not.toContainText("UTC");
  const shared = guest.locator("video");
  await expect.poll(() => guest.locator("video").evaluate((v: HTMLVideoElement) => v.poster && new URL(v.poster).pathname)).toBe(`${path}/poster.jpg`);
  await shared.evaluate((v: HTMLVideoElement) => ((v.muted = true), v.play()));
  await expect.poll(() => shared.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(0.5);
  expect(await shared.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([720, 1280]);
  await shared.evaluate((v: HTMLVideoElement) => ((v.currentTime = 0), v.pause()));
  await screen(guest, "24-share-page");
  expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
  expect(refused).toEqual([]);

  // The owner revokes that link, one of two: the visitor's page now says so (410), the other link still works.
  const rows = page.getByTestId("share-link");
  await rows.last().getByRole("button", { name: /^Revoke/ }).click();
  await expect(rows).toHaveCount(1);
  const gone = await guest.reload();
  expect(gone?.status()).toBe(410);
  await expect(guest.getByRole("heading", { level: 1, name: "This link was turned off" })).toBeVisible();
  await screen(guest, "25-share-revoked");
  const other = await page.getByTestId("share-url").inputValue();
  expect((await guest.goto(new URL(other).pathname))?.status()).toBe(200);

  const unknown = await guest.goto(`/s/${"A".repeat(32)}`);
  expect(unknown?.status()).toBe(404);
  await expect(guest.getByRole("heading", { level: 1, name: "No video at this link" })).toBeVisible();
  await screen(guest, "26-share-unknown");
  await visitor.close();

  // On a phone with the Web Share API, "Share…" opens the system share sheet (stubbed: headless Chromium has none).
  const phone = await browser.newContext({ ...devices["Pixel 7"], storageState: await page.context().storageState() });
  await phone.addInitScript(() => {
    const w = window as unknown as { shared: ShareData[] };
    w.shared = [];
    Object.defineProperty(navigator, "share", { value: async (data: ShareData) => void w.shared.push(data), configurable: true });
  });
  const mobile = await phone.newPage();
  await mobile.goto(`/videos/${tall.id}`);
  await mobile.getByRole("button", { name: "Create link" }).click();
  const phoneUrl = await mobile.getByTestId("share-url").inputValue();
  await mobile.getByRole("button", { name: "Share…" }).click();
  await expect.poll(() => mobile.evaluate(() => (window as unknown as { shared: ShareData[] }).shared)).toEqual([{ title: "Tall holiday", url: phoneUrl }]);
  await phone.close();

  // A deleted video's (or a mangled) address says so.
  await page.goto("/videos/not-a-video");
  await expect(page.getByRole("heading", { level: 1, name: "Video not found" })).toBeVisible();

  // Edit: the composer opens with the video's spec as a new draft.
  await page.goto(`/videos/${tall.id}`);
  await page.getByRole("button", { name: "Edit" }).click();
  await expect(page).toHaveURL(/\/compose$/);
  await expect(page.getByLabel("Video title")).toHaveValue("Tall holiday");
  // With a draft in the composer, Edit asks before replacing it.
  await page.goto(`/videos/${wide.id}`);
  await page.getByRole("button", { name: "Edit" }).click();
  const ask = page.getByRole("dialog", { name: "Replace the video you are composing?" });
  await expect(ask).toBeVisible();
  await screen(page, "27-video-edit-replace-draft");
  await ask.getByRole("button", { name: "Replace and edit" }).click();
  await expect(page.getByLabel("Video title")).toHaveValue("Wide holiday");
});
