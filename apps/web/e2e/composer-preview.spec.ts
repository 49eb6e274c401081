import { expect, test, type Page } from "@playwright/test";
import { makeJpegs, screen, signUp, uniqueEmail } from "./fixtures";

/** A coarse fingerprint of what the live preview's canvas shows: an 8x8 grid of RGB samples. */
const pixels = (page: Page) =>
  page.getByTestId("live-canvas").evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext("2d")!;
    const out: number[] = [];
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const d = ctx.getImageData(Math.floor(((x + 0.5) * c.width) / 8), Math.floor(((y + 0.5) * c.height) / 8), 1, 1).data;
        out.push(d[0]!, d[1]!, d[2]!);
      }
    return { out, width: c.width, height: c.height };
  });
const differs = (a: number[], b: number[]) => a.reduce((n, v, i) => n + Math.abs(v - b[i]!), 0) / a.length;
const state = (page: Page) => page.evaluate(() => window.__photoreelPreview!.state());

test("the composer plays the spec live as it is edited, seeks by frame and fits one screen", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await signUp(page, uniqueEmail("live-preview"));
  await page.getByTestId("photo-input").setInputFiles(await makeJpegs(10));
  const ready = page.locator('[data-testid="photo-tile"][data-status="ready"]');
  await expect(ready).toHaveCount(10, { timeout: 180_000 });
  for (const tile of await ready.all()) await tile.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Make a video" }).click();
  await expect(page.getByRole("heading", { name: "Compose a video" })).toBeVisible();
  await expect(page.getByTestId("slide")).toHaveCount(10);

  // The first frame is drawn from the photos' previews, with no render on the server.
  const canvas = page.getByTestId("live-canvas");
  await expect(canvas).toBeVisible();
  await expect.poll(async () => (await state(page)).ready, { timeout: 30_000 }).toBe(true);
  const st = await state(page);
  expect(st.totalFrames).toBe(Math.round((10 * 3 - 9 * 0.5) * 30));
  expect(st.width / st.height).toBeCloseTo(16 / 9, 1);
  const cover = await pixels(page);

  // Fit with bars: the 3:2 photos leave black bars at the sides of a 16:9 frame.
  await page.getByRole("radio", { name: "Fit (bars)" }).check();
  await expect.poll(async () => differs((await pixels(page)).out, cover.out)).toBeGreaterThan(5);
  const contain = await pixels(page);
  expect(contain.out.slice(0, 3)).toEqual([0, 0, 0]);

  // Aspect 9:16: the canvas turns tall.
  await page.getByRole("radio", { name: "9:16" }).check();
  await expect.poll(async () => (await state(page)).height > (await state(page)).width).toBe(true);
  await page.getByRole("radio", { name: "16:9" }).check();

  // Playing moves the playhead and the picture (Ken Burns on, so even a held photo moves).
  await page.getByLabel("Slow pan and zoom (Ken Burns)").check();
  const before = await pixels(page);
  const frame0 = (await state(page)).frame;
  await page.getByTestId("live-play").click();
  await expect.poll(async () => (await state(page)).frame, { timeout: 10_000 }).toBeGreaterThan(frame0 + 10);
  expect(differs((await pixels(page)).out, before.out)).toBeGreaterThan(0.5);
  await page.getByRole("button", { name: "Pause" }).click();

  // Frame-accurate seek by keyboard, on the canvas.
  await canvas.focus();
  await page.keyboard.press("Home");
  const at = (await state(page)).frame;
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  expect((await state(page)).frame).toBe(at + 3);
  await page.keyboard.press("ArrowLeft");
  expect((await state(page)).frame).toBe(at + 2);
  await expect(page.getByTestId("live-time")).toContainText("/ 0:25.5");

  // Editing slide 3's duration shows slide 3, alone on screen: two slides less their transitions (2 x 2.5 s), then
  // its own fade in (0.5 s).
  const third = page.getByTestId("slide").nth(2).getByLabel("Seconds");
  await third.focus();
  expect((await state(page)).frame).toBe(165);
  await third.fill("4");
  await expect.poll(async () => (await state(page)).totalFrames).toBe(Math.round((9 * 3 + 4 - 9 * 0.5) * 30));

  // One screen at 1440x900 for 10 photos: the page itself does not scroll.
  await page.setViewportSize({ width: 1440, height: 900 });
  const overflow = await page.evaluate(() => ({
    by: document.documentElement.scrollHeight - innerHeight,
    // What reaches below the window, to say what to fix when this fails.
    below: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().bottom > innerHeight + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().bottom > innerHeight + 1))
      .slice(0, 5)
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().bottom)}`),
  }));
  expect(overflow.by, overflow.below.join("; ")).toBeLessThanOrEqual(0);
  await expect(canvas).toBeInViewport();

  // Screenshots and axe at 1440x900 and 390x844 (and dark); on the phone the player comes first.
  await screen(page, "composer-live-preview");
  await page.setViewportSize({ width: 390, height: 844 });
  const canvasBox = (await canvas.boundingBox())!;
  const listBox = (await page.getByTestId("timeline").boundingBox())!;
  expect(canvasBox.y).toBeLessThan(listBox.y);
  expect(canvasBox.y + canvasBox.height).toBeLessThan(844);
});
