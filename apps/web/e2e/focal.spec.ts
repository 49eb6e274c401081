import { expect, test, type Locator, type Page } from "@playwright/test";
import { screen, signUp, uniqueEmail } from "./fixtures";
import { makePhotos } from "./photos";

// Set focus in the viewer: click moves the marker and saves, arrow keys move it too, and it is still there after a reload.
test.describe.configure({ mode: "serial" });

let page: Page;
const appPort = () => process.env.E2E_PORT!;
const box = async (l: Locator) => (await l.boundingBox())!;

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${appPort()}`, viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await signUp(page, uniqueEmail("focal"));
});
test.afterAll(async () => page?.context().close());

/** Where the marker's centre sits in the image box, as fractions of it. */
async function markerAt(viewer: Locator) {
  const frame = await box(viewer.getByTestId("viewer-frame"));
  const m = await box(viewer.getByTestId("focal-marker"));
  return { x: (m.x + m.width / 2 - frame.x) / frame.width, y: (m.y + m.height / 2 - frame.y) / frame.height };
}

test("set focus in the viewer by clicking and with the arrow keys; it is kept after a reload", async () => {
  test.setTimeout(4 * 60_000);
  await page.getByTestId("photo-input").setInputFiles(await makePhotos([{ name: "portrait.jpg", width: 900, height: 1600 }]));
  const tile = page.locator('[data-testid="photo-tile"][data-filename="portrait.jpg"][data-status="ready"]');
  await expect(tile).toHaveCount(1, { timeout: 120_000 });
  await tile.locator(".tile-open").click();
  const viewer = page.getByTestId("viewer");
  await expect.poll(() => viewer.getByTestId("viewer-image").evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);

  const toggle = viewer.getByRole("button", { name: "Set focus" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  const target = viewer.getByTestId("focal-target");
  await expect(target).toBeVisible();

  // Click a point near the top-left third of the photo: the marker jumps there and the point is saved.
  const frame = await box(viewer.getByTestId("viewer-frame"));
  await page.mouse.click(frame.x + frame.width * 0.3, frame.y + frame.height * 0.2);
  await expect(viewer.getByTestId("focal-status")).toHaveText("Focus saved.");
  let at = await markerAt(viewer);
  expect(at.x).toBeCloseTo(0.3, 1);
  expect(at.y).toBeCloseTo(0.2, 1);
  await expect(target).toHaveAccessibleName("Focus point, 30% across and 20% down");

  // Keyboard: two steps right and one Shift-step down (0.02 each, 0.1 with Shift); the viewer stays on this photo.
  await target.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowDown");
  await expect(target).toHaveAccessibleName("Focus point, 34% across and 30% down");
  await expect(viewer.getByTestId("focal-status")).toHaveText("Focus saved.");
  await expect(viewer.getByRole("heading", { name: "portrait.jpg" })).toBeVisible();
  await screen(page, "library-viewer-focus", { viewportOnly: true });

  // After a reload (the viewer reopens from the URL) the marker is where it was set.
  await page.reload();
  const again = page.getByTestId("viewer");
  await expect.poll(() => again.getByTestId("viewer-image").evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await again.getByRole("button", { name: "Set focus" }).click();
  await expect(again.getByTestId("focal-target")).toHaveAccessibleName("Focus point, 34% across and 30% down");
  at = await markerAt(again);
  expect(at.x).toBeCloseTo(0.34, 2);
  expect(at.y).toBeCloseTo(0.3, 2);
  await again.getByRole("button", { name: "Set focus" }).click();
  await expect(again.getByRole("button", { name: "Set focus" })).toHaveAttribute("aria-pressed", "false");
  await expect(again.getByTestId("focal-target")).toHaveCount(0);
});
