import { expect, test, type Locator, type Page } from "@playwright/test";
import { expireLinksIn, makeBrokenJpeg, screen, signUp, uniqueEmail } from "./fixtures";
import { makePhotos } from "./photos";

// One account and one upload for the whole library journey: the tray, the grid, the viewer, search.
test.describe.configure({ mode: "serial" });

const canon = { make: "Canon", model: "Canon EOS R6" };
const SPECS = [
  { name: "beach-1.jpg", width: 1600, height: 1200, taken: "2024:06:01 09:00:00", ...canon },
  { name: "beach-2.jpg", width: 900, height: 1600, taken: "2024:06:01 10:00:00", ...canon },
  { name: "beach-3.jpg", width: 1600, height: 900, taken: "2024:06:01 11:00:00", ...canon },
  { name: "city-4.jpg", width: 1200, height: 1200, taken: "2024:06:01 12:00:00" },
  { name: "city-5.jpg", width: 1600, height: 1200, taken: "2024:06:01 13:00:00" },
  { name: "city-6.jpg", width: 1000, height: 1500, taken: "2024:06:01 14:00:00" },
  { name: "forest-7.jpg", width: 1600, height: 1067, taken: "2024:05:20 09:00:00", make: "Apple", model: "iPhone 15 Pro" },
  { name: "forest-8.jpg", width: 1200, height: 1600, taken: "2024:05:20 10:00:00" },
  { name: "undated-9.jpg", width: 1400, height: 1000 },
];

let page: Page;
const appPort = () => process.env.E2E_PORT!;
const tile = (name: string) => page.locator(`[data-testid="photo-tile"][data-filename="${name}"]`);
const tiles = () => page.locator('[data-testid="photo-tile"]');
const ready = () => page.locator('[data-testid="photo-tile"][data-status="ready"]');
const box = async (l: Locator) => (await l.boundingBox())!;

test.beforeAll(async ({ browser }) => {
  // A context of its own (axe needs one), shared by the tests below.
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${appPort()}`, viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await signUp(page, uniqueEmail("library"));
});
test.afterAll(async () => page?.context().close());

test("upload tray: one summary line, details on demand, finished files leave, rejected ones stay until dismissed", async () => {
  test.setTimeout(6 * 60_000);
  await expect(page.getByText("Your library is empty")).toBeVisible();
  await screen(page, "library-empty");

  // Hold the uploads to storage (another port than the app's) so the tray can be seen while they are in flight.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route(
    (u) => u.port !== appPort(),
    async (route) => {
      if (route.request().method() === "POST") await gate;
      await route.continue();
    },
  );
  await page.getByTestId("photo-input").setInputFiles([...(await makePhotos(SPECS)), makeBrokenJpeg()]);

  const tray = page.getByTestId("upload-tray");
  const summary = page.getByTestId("upload-summary");
  await expect(summary).toHaveText("Uploading 0 of 10");
  await expect(tray.getByRole("progressbar", { name: "Upload progress" })).toBeVisible();
  // Compact: one line and a bar, the files only on demand.
  expect((await box(tray)).height).toBeLessThan(110);
  const details = tray.getByRole("button", { name: "Details" });
  await expect(details).toHaveAttribute("aria-expanded", "false");
  await expect(page.locator('[data-testid="upload-row"]:visible')).toHaveCount(0);
  await details.click();
  await expect(page.locator('[data-testid="upload-row"]:visible')).toHaveCount(10);
  await screen(page, "library-upload-tray");
  await tray.getByRole("button", { name: "Hide details" }).click();

  release();
  await page.unrouteAll({ behavior: "wait" });
  // Finished files leave on their own; the rejected one stays with its reason.
  const broken = page.locator('[data-testid="upload-row"][data-filename="not-a-photo.jpg"]');
  await expect(broken).toHaveAttribute("data-status", "rejected", { timeout: 60_000 });
  await expect(broken).toContainText("not a photo we can read");
  await expect(ready()).toHaveCount(9, { timeout: 120_000 });
  await expect(summary).toHaveText("1 needs attention", { timeout: 30_000 });
  await expect(page.locator('[data-testid="upload-row"]')).toHaveCount(1);
  await expect(tile("not-a-photo.jpg")).toHaveCount(0);
  await screen(page, "library-upload-rejected");

  // It is still there after a reload (kept on the server), and dismissing it removes it for good.
  await page.reload();
  await expect(broken).toContainText("not a photo we can read", { timeout: 30_000 });
  // The row goes at once; the reload waits for the server's delete (a reload would abort it in flight).
  const deleted = page.waitForResponse((r) => r.url().includes("photos.delete") && r.ok());
  await broken.getByRole("button", { name: "Dismiss not-a-photo.jpg" }).click();
  await expect(tray).toHaveCount(0);
  await deleted;
  await page.reload();
  await expect(ready()).toHaveCount(9, { timeout: 30_000 });
  await expect(tray).toHaveCount(0);
});

test("grid: justified rows at each photo's shape, grouped by capture date, range and day selection", async () => {
  // Newest first by capture date; a photo without one is filed under the day it was uploaded.
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  });
  const heads = page.getByTestId("day-head");
  await expect(heads).toHaveCount(3);
  expect(await heads.evaluateAll((els) => els.map((e) => e.getAttribute("data-day")))).toEqual([today, "2024-06-01", "2024-05-20"]);
  await expect(heads.nth(0)).toContainText("Today");
  await expect(heads.nth(1)).toContainText(/Sat.*Jun.*1.*2024/);
  expect(await tiles().evaluateAll((els) => els.map((e) => e.getAttribute("data-filename")))).toEqual([
    "undated-9.jpg", "city-6.jpg", "city-5.jpg", "city-4.jpg", "beach-3.jpg", "beach-2.jpg", "beach-1.jpg", "forest-8.jpg", "forest-7.jpg",
  ]);

  // Each tile has its photo's shape (a portrait is tall, not a landscape crop of its top half).
  for (const s of SPECS) {
    const b = await box(tile(s.name));
    expect(Math.abs(b.width / b.height - s.width / s.height), s.name).toBeLessThan(0.03);
  }
  // A full row runs from the grid's left edge to its right edge.
  const grid = await box(page.getByTestId("photo-grid"));
  const first = await box(tile("city-6.jpg"));
  const rowEnds = await tiles().evaluateAll((els, top) => els.filter((e) => Math.abs(e.getBoundingClientRect().top - top) < 1).map((e) => e.getBoundingClientRect().right), first.y);
  expect(first.x).toBeCloseTo(grid.x, 0);
  expect(Math.max(...rowEnds)).toBeCloseTo(grid.x + grid.width, 0);

  // Range: one circle, then shift+click another.
  const check = (name: string) => tile(name).getByRole("checkbox");
  await check("city-6.jpg").check();
  await check("beach-3.jpg").click({ modifiers: ["Shift"] });
  const bar = page.getByTestId("selection-bar");
  await expect(bar).toContainText("4 selected");
  expect(await page.locator('[data-testid="photo-tile"][data-selected="true"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-filename")))).toEqual([
    "city-6.jpg", "city-5.jpg", "city-4.jpg", "beach-3.jpg",
  ]);
  // A whole day at once; the partly selected day shows as mixed.
  await page.getByRole("checkbox", { name: /^Select all photos from Mon.*May.*20/ }).check();
  await expect(bar).toContainText("6 selected");
  expect(await page.getByRole("checkbox", { name: /^Select all photos from Sat/ }).evaluate((el: HTMLInputElement) => el.indeterminate)).toBe(true);
  await screen(page, "library-selection");

  // On a phone the bar stays one row.
  await page.setViewportSize({ width: 390, height: 844 });
  const controls = bar.locator("button, strong");
  const rects = await controls.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ middle: (r.top + r.bottom) / 2, right: r.right })));
  expect(rects.length).toBe(4); // clear, count, make a video, delete
  for (const r of rects) {
    expect(Math.abs(r.middle - rects[0]!.middle)).toBeLessThan(4);
    expect(r.right).toBeLessThanOrEqual(390);
  }
  expect((await box(bar)).height).toBeLessThan(72);
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByRole("checkbox", { name: /^Select all photos from Mon/ }).uncheck();
  await expect(bar).toContainText("4 selected");
  await page.keyboard.press("Escape");
  await expect(bar).toHaveCount(0);
});

test("viewer: keyboard and swipe navigation, caption, date and camera, add to video, delete", async () => {
  await tile("beach-2.jpg").locator(".tile-open").click();
  const viewer = page.getByTestId("viewer");
  await expect(viewer).toBeVisible();
  await expect(page).toHaveURL(/\/library\/photos\/[0-9a-f-]{36}$/);
  await expect(viewer.getByRole("heading", { name: "beach-2.jpg" })).toBeVisible();
  await expect.poll(() => viewer.getByTestId("viewer-image").evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  // Shown whole at its own shape, within the screen.
  const frame = await box(viewer.getByTestId("viewer-frame"));
  expect(frame.width / frame.height).toBeCloseTo(900 / 1600, 2);
  expect(frame.height).toBeLessThanOrEqual(900);
  const details = viewer.getByRole("complementary", { name: "Photo details" });
  await expect(details).toContainText("Canon EOS R6");
  await expect(details).toContainText(/Taken\s*Jun 1, 2024/);

  // Keyboard: right is the next (older) photo, left goes back.
  await page.keyboard.press("ArrowRight");
  await expect(viewer.getByRole("heading", { name: "beach-1.jpg" })).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(viewer.getByRole("heading", { name: "beach-2.jpg" })).toBeVisible();

  // Caption, saved with Enter.
  await viewer.getByLabel("Caption").fill("Sunset at the beach");
  await viewer.getByLabel("Caption").press("Enter");
  await expect(viewer.getByText("Caption saved.")).toBeVisible();
  await expect(viewer.getByRole("heading", { name: "Sunset at the beach" })).toBeVisible();

  // Add to video: into the composer's draft, and out again.
  await viewer.getByRole("button", { name: "Add to video" }).click();
  await expect(viewer.getByRole("button", { name: "In video ✓" })).toHaveAttribute("aria-pressed", "true");
  await expect(viewer.getByText("Added to your video (1 photo).")).toBeVisible();
  await screen(page, "library-viewer", { viewportOnly: true });

  // A swipe on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  const stage = viewer.locator(".viewer-stage");
  const swipe = async (from: number, to: number) => {
    await stage.dispatchEvent("pointerdown", { pointerType: "touch", clientX: from, clientY: 400, isPrimary: true, bubbles: true });
    await stage.dispatchEvent("pointerup", { pointerType: "touch", clientX: to, clientY: 410, isPrimary: true, bubbles: true });
  };
  await swipe(320, 60);
  await expect(viewer.getByRole("heading", { name: "beach-1.jpg" })).toBeVisible();
  await swipe(60, 320);
  await expect(viewer.getByRole("heading", { name: "Sunset at the beach" })).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });

  // Escape closes; focus returns to the photo in the grid.
  await page.keyboard.press("Escape");
  await expect(viewer).toHaveCount(0);
  await expect(page).toHaveURL(/\/library$/);
  await expect.poll(() => page.evaluate(() => document.activeElement?.closest("[data-filename]")?.getAttribute("data-filename"))).toBe("beach-2.jpg");

  // The composer has the photo that was added.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compose" }).click();
  await expect(page.getByTestId("slide")).toHaveCount(1);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Library" }).click();

  // Delete from the viewer: it moves on to the next photo.
  await tile("undated-9.jpg").locator(".tile-open").click();
  await viewer.getByRole("button", { name: "Delete this photo" }).click();
  await page.getByRole("dialog", { name: "Delete this photo?" }).getByRole("button", { name: "Delete" }).click();
  await expect(viewer.getByRole("heading", { name: "city-6.jpg" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(tiles()).toHaveCount(8);
  await expect(tile("undated-9.jpg")).toHaveCount(0);
});

test("viewer: a preview whose link has expired is fetched again with a fresh link", async () => {
  const { refused, undo } = await expireLinksIn(page, "photos.list", "preview.webp");
  await page.reload();
  await tile("forest-8.jpg").locator(".tile-open").click();
  const viewer = page.getByTestId("viewer");
  await expect(viewer.getByRole("heading", { name: "forest-8.jpg" })).toBeVisible();
  const id = /\/library\/photos\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  await expect.poll(() => viewer.getByTestId("viewer-image").evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  expect([...refused].some((p) => p.includes(`/photos/${id}/`))).toBe(true);
  await undo();
  await page.keyboard.press("Escape");
  await expect(viewer).toHaveCount(0);
});

test("search: by file name, caption and date range, kept in the address", async () => {
  const search = page.getByRole("searchbox", { name: "Search photos" });
  const names = () => tiles().evaluateAll((els) => els.map((e) => e.getAttribute("data-filename")));
  await search.fill("beach");
  await expect.poll(names).toEqual(["beach-3.jpg", "beach-2.jpg", "beach-1.jpg"]);
  await expect(page).toHaveURL(/\?q=beach$/);
  await search.fill("sunset");
  await expect.poll(names).toEqual(["beach-2.jpg"]);
  await screen(page, "library-search");

  await page.getByRole("button", { name: "Clear search" }).click();
  await page.getByLabel("From", { exact: true }).fill("2024-05-20");
  await page.getByLabel("To", { exact: true }).fill("2024-05-20");
  await expect.poll(names).toEqual(["forest-8.jpg", "forest-7.jpg"]);
  await search.fill("zebra");
  await expect(page.getByTestId("no-results")).toContainText("No photos match “zebra” between");
  await screen(page, "library-search-empty");

  // The address keeps the search: a reload shows the same.
  await page.reload();
  await expect(page.getByTestId("no-results")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Clear search" }).click();
  await expect(tiles()).toHaveCount(8);
  await expect(page).toHaveURL(/\/library$/);
});
