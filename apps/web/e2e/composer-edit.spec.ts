import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { makeWav, screen, signUp, slideTitlesLoaded, uniqueEmail, uploadAndPick } from "./fixtures";

const run = promisify(execFile);

/** Signs up, uploads `n` photos and opens the composer with them. */
async function composeWith(page: Page, tag: string, n: number) {
  await signUp(page, uniqueEmail(tag));
  await uploadAndPick(page, n, 120_000);
  await page.getByRole("button", { name: "Make a video" }).click();
  await expect(page.getByRole("heading", { name: "Compose a video" })).toBeVisible();
  await expect(page.getByTestId("slide")).toHaveCount(n);
  // Small and quick to render.
  await page.getByLabel("Resolution").selectOption("720p");
  await page.getByLabel("Frame rate").selectOption("24");
  await page.getByText("Draft (smaller file)").click();
  await page.getByLabel("Seconds per photo").fill("2");
}

const titles = async (page: Page) => (await page.getByTestId("slide").locator(".photo-title").allInnerTexts()).map((t) => t.replace(/^\d+\.\s*/, ""));
const card = (page: Page, title: string) => page.getByTestId("video-card").filter({ has: page.getByRole("heading", { name: title, exact: true }) });
const width = async (l: Locator) => (await l.boundingBox())!.width;
/**
 * Drags one filmstrip frame onto the one before it by its thumbnail, in small steps as a hand would (HTML5 drag and
 * drop). The strip scrolls sideways, so the target is scrolled to its start first and the source taken near its left edge.
 */
async function drag(page: Page, from: Locator, to: Locator) {
  await to.evaluate((el) => el.scrollIntoView({ inline: "start", block: "center" }));
  const [a, b] = [(await from.boundingBox())!, (await to.boundingBox())!];
  await page.mouse.move(a.x + 30, a.y + 24);
  await page.mouse.down();
  await page.mouse.move(a.x + 40, a.y + 24, { steps: 2 });
  await page.mouse.move(b.x + b.width / 2, b.y + 24, { steps: 8 });
  await page.mouse.up();
}

/** How much the picture changes from each frame to the next (mean absolute difference of 32x18 grey thumbnails, 0-255). */
async function frameDiffs(file: string): Promise<number[]> {
  const { stdout } = await run("ffmpeg", ["-v", "error", "-i", file, "-vf", "scale=32:18,format=gray", "-f", "rawvideo", "-"], { encoding: "buffer", maxBuffer: 64 << 20 });
  const size = 32 * 18;
  const frames = Math.floor(stdout.length / size);
  const out: number[] = [];
  for (let f = 1; f < frames; f++) {
    let d = 0;
    for (let i = 0; i < size; i++) d += Math.abs(stdout[f * size + i]! - stdout[(f - 1) * size + i]!);
    out.push(d / size);
  }
  // out[k]: the change from frame k to frame k + 1.
  return out;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test("filmstrip: reorder, per-slide transitions seen in the final render, estimates, axe at both sizes", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await composeWith(page, "filmstrip", 3);
  const slides = page.getByTestId("slide");
  // A slide is titled "Photo N" until the photos have loaded: read the order by the photos' own names.
  await slideTitlesLoaded(page);
  const order = await titles(page);

  // Reorder with the keyboard buttons, then back by dragging on the filmstrip.
  await slides.nth(0).getByRole("button", { name: /later$/ }).click();
  await expect.poll(() => titles(page)).toEqual([order[1], order[0], order[2]]);
  await drag(page, slides.nth(1).getByTestId("film-frame"), slides.nth(0).getByTestId("film-frame"));
  await expect.poll(() => titles(page)).toEqual(order);
  await drag(page, slides.nth(2).getByTestId("film-frame"), slides.nth(1).getByTestId("film-frame"));
  await expect.poll(() => titles(page)).toEqual([order[0], order[2], order[1]]);

  // Width follows duration: a 6 s slide is twice a 3 s one.
  await page.getByLabel("Seconds for photo 1").fill("3");
  await page.getByLabel("Seconds for photo 2").fill("6");
  expect(await width(slides.nth(1).getByTestId("film-frame")) / (await width(slides.nth(0).getByTestId("film-frame")))).toBeCloseTo(2, 1);
  await page.getByLabel("Seconds for photo 1").fill("");
  await page.getByLabel("Seconds for photo 2").fill("");

  // A hard cut after photo 1, a wipe after photo 2 (the video's own transition is a fade).
  await page.getByLabel("Transition after photo 1").selectOption("none");
  await page.getByLabel("Transition after photo 2").selectOption("wipeleft");
  // 3 x 2 s, no overlap at the cut, 0.5 s at the wipe.
  await expect(page.getByTestId("estimate-length")).toHaveText("0:06");
  await expect(page.getByTestId("estimate-frame")).toHaveText("1280×720, 24 fps");
  await expect(page.getByTestId("estimate-bytes")).toHaveText(/about [\d.]+ (KB|MB)/);
  await expect(page.getByTestId("estimate-render")).not.toHaveText("…");
  await page.getByLabel("Video title").fill("Cut then wipe");
  await screen(page, "composer-edit-filmstrip");
  // Keyboard: the chip is reached by Tab and changed with the arrow keys like any select.
  await page.getByLabel("Transition after photo 2").focus();
  await expect(page.getByLabel("Transition after photo 2")).toBeFocused();

  await page.getByRole("button", { name: "Create video" }).click();
  const made = card(page, "Cut then wipe");
  await expect(made).toHaveAttribute("data-status", "READY", { timeout: 180_000 });

  // The final render: one hard cut, at 2 s (photo 1 -> 2); the wipe (3.5-4 s) changes the picture gradually.
  const href = await made.getByRole("link", { name: "Download" }).getAttribute("href");
  const res = await page.request.get(href!);
  expect(res.ok()).toBe(true);
  const file = join(mkdtempSync(join(tmpdir(), "composer-edit-")), "v.mp4");
  writeFileSync(file, await res.body());
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
  expect(Number(stdout)).toBeCloseTo(5.5, 1);
  // 24 fps: the cut is frame 47 -> 48 (2 s), the wipe frames 84-96 (3.5-4 s).
  const diffs = await frameDiffs(file);
  const cut = diffs[47]!;
  expect(cut, "the whole picture changes in one frame at the cut").toBeGreaterThan(0.8 * sum(diffs.slice(43, 53)));
  const wipe = diffs.slice(83, 97);
  expect(sum(wipe), "the picture changes over the wipe").toBeGreaterThan(5);
  expect(Math.max(...wipe), "gradually, not in one frame").toBeLessThan(0.35 * sum(wipe));
});

test("edit a READY video into a new version and duplicate it; the original stays", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await composeWith(page, "edit", 2);
  await page.getByLabel("Video title").fill("Original");
  await page.getByRole("button", { name: "Create video" }).click();
  const original = card(page, "Original");
  await expect(original).toHaveAttribute("data-status", "READY", { timeout: 180_000 });

  await original.getByRole("button", { name: /^Edit/ }).click();
  await expect(page.getByRole("heading", { name: "Compose a video" })).toBeVisible();
  await expect(page.getByTestId("load-notice")).toContainText("creating makes a new video; the original stays");
  await expect(page.getByLabel("Video title")).toHaveValue("Original");
  await expect(page.getByTestId("slide")).toHaveCount(2);
  await expect(page.getByLabel("Resolution")).toHaveValue("720p");
  await screen(page, "composer-edit-opened");
  await page.getByLabel("Video title").fill("Original v2");
  await page.getByRole("button", { name: "Create video" }).click();
  await expect(card(page, "Original v2")).toHaveAttribute("data-status", "READY", { timeout: 180_000 });
  await expect(original).toHaveAttribute("data-status", "READY");

  await original.getByRole("button", { name: /^Duplicate/ }).click();
  await expect(page.getByLabel("Video title")).toHaveValue("Original (copy)");
  await page.getByRole("button", { name: "Create video" }).click();
  await expect(card(page, "Original (copy)")).toHaveAttribute("data-status", /QUEUED|RENDERING|READY/);
  await expect(page.getByTestId("video-card")).toHaveCount(3);
});

test("recover a FAILED video: its music vanished, Fix in composer marks the music, no music makes it READY", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await composeWith(page, "fix", 2);
  await page.getByTestId("music-input").setInputFiles(makeWav(4));
  const track = page.getByLabel("Track", { exact: true });
  await expect(track).not.toHaveValue("", { timeout: 60_000 });
  const audioId = await track.inputValue();
  // The track's stored file disappears after it was checked (as if lost from storage): the row stays, the render fails.
  const dataDir = process.env.E2E_DATA_DIR!;
  const files = readdirSync(dataDir, { recursive: true, encoding: "utf8" }).filter((p) => p.includes(audioId));
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) rmSync(join(dataDir, f), { recursive: true, force: true });

  await page.getByLabel("Video title").fill("Broken music");
  await page.getByRole("button", { name: "Create video" }).click();
  const broken = card(page, "Broken music");
  await expect(broken).toHaveAttribute("data-status", "FAILED", { timeout: 180_000 });
  await expect(broken).toContainText("music track was deleted");

  await broken.getByRole("button", { name: "Fix in composer" }).click();
  const music = page.locator('[data-field="music.audioId"]');
  await expect(music).toHaveClass(/field-highlight/);
  await expect(music.getByRole("alert")).toContainText("music track was deleted");
  await screen(page, "composer-edit-fix");
  await page.getByLabel("Track", { exact: true }).selectOption("");
  await expect(music).not.toHaveClass(/field-highlight/);
  await page.getByLabel("Video title").fill("Fixed music");
  await page.getByRole("button", { name: "Create video" }).click();
  await expect(card(page, "Fixed music")).toHaveAttribute("data-status", "READY", { timeout: 180_000 });
  await expect(broken).toHaveAttribute("data-status", "FAILED");
});
