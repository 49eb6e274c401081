import { statSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { makeBrokenJpeg, makeJpegs, makeWav, screen, signUp, slideTitlesLoaded, uniqueEmail } from "./fixtures";

test("sign up, upload, compose, preview, render, watch, download, delete", async ({ page }) => {
  test.setTimeout(8 * 60_000);
  await page.goto("/signin");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await screen(page, "01-sign-in");

  // Sign up (the embedded stack confirms the account at once) and land in the library.
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("E-mail").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".field-error").first()).toBeVisible();
  await screen(page, "02-sign-up-errors");
  const email = uniqueEmail("journey");
  await signUp(page, email);
  await expect(page.getByText("Your library is empty")).toBeVisible();
  await screen(page, "03-library-empty");

  // Upload five photos and one file that only pretends to be a JPEG: the tray keeps the rejected one, with its reason.
  const files = [...(await makeJpegs(5)), makeBrokenJpeg()];
  await page.getByTestId("photo-input").setInputFiles(files);
  const broken = page.locator('[data-testid="upload-row"][data-filename="not-a-photo.jpg"]');
  await expect(broken).toHaveAttribute("data-status", "rejected", { timeout: 60_000 });
  await expect(broken).toContainText("not a photo we can read");
  await screen(page, "04-uploads");

  // The thumbnailer makes them ready; the rejected file never enters the grid.
  const ready = page.locator('[data-testid="photo-tile"][data-status="ready"]');
  await expect(ready).toHaveCount(5, { timeout: 120_000 });
  await expect(ready.first().locator("img")).toBeVisible();
  await expect(page.locator('[data-testid="photo-tile"][data-filename="not-a-photo.jpg"]')).toHaveCount(0);
  await expect(page.getByText("5 photos ·")).toBeVisible();

  // A caption, in the viewer.
  await ready.first().locator(".tile-open").click();
  await page.getByLabel("Caption").fill("The first one");
  await page.getByRole("button", { name: "Save caption" }).click();
  await expect(page.getByText("Caption saved.")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("viewer")).toHaveCount(0);
  await screen(page, "05-library");

  // The rejected file is dismissed from the tray.
  await broken.getByRole("button", { name: "Dismiss not-a-photo.jpg" }).click();
  await expect(broken).toHaveCount(0);
  await expect(ready).toHaveCount(5);

  // Select the ready photos and go to the composer.
  for (const tile of await ready.all()) await tile.getByRole("checkbox").check();
  await expect(page.getByText("5 selected")).toBeVisible();
  await screen(page, "06-library-selection");
  await page.getByRole("button", { name: "Make a video" }).click();
  await expect(page.getByRole("heading", { name: "Compose a video" })).toBeVisible();
  const slides = page.getByTestId("slide");
  await expect(slides).toHaveCount(5);

  // Reorder with the keyboard buttons: the first photo moves to second place. A slide is titled "Photo N" until the
  // photos have loaded, so the label is read once they have (else it changes under the test).
  await slideTitlesLoaded(page);
  const firstLabel = (await slides.nth(0).locator(".photo-title").innerText()).replace(/^\d+\.\s*/, "");
  await slides.nth(0).getByRole("button", { name: /later$/ }).click();
  await expect(slides.nth(1).locator(".photo-title")).toContainText(firstLabel);
  // And back with drag and drop.
  await slides.nth(1).dragTo(slides.nth(0));
  await expect(slides.nth(0).locator(".photo-title")).toContainText(firstLabel);

  // Inline validation next to the field.
  await page.getByLabel("Seconds per photo").fill("20");
  await expect(page.getByText("at most 10 seconds").first()).toBeVisible();
  await screen(page, "07-composer-error");
  await page.getByLabel("Seconds per photo").fill("2");
  await page.getByLabel("Video title").fill("E2E holiday");
  await page.getByLabel("Transition", { exact: true }).selectOption("slideleft");
  await page.getByLabel("Resolution").selectOption("720p");
  await page.getByText("Draft (smaller file)").click();
  await page.getByLabel("Start with a title card").check();
  await page.getByLabel("Title text").fill("Our trip");
  // Music: upload a track; it is picked at once.
  await page.getByTestId("music-input").setInputFiles(makeWav());
  await expect(page.getByLabel("Track", { exact: true })).toHaveValue(/^[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.getByLabel("Fade out (seconds)")).toHaveValue("2");
  // A track can be deleted (after a confirmation); then upload it again for the video.
  await page.getByRole("button", { name: "Delete track" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByLabel("Track", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("Track", { exact: true }).locator("option")).toHaveCount(1);
  await page.getByTestId("music-input").setInputFiles(makeWav());
  await expect(page.getByLabel("Track", { exact: true })).toHaveValue(/^[0-9a-f-]{36}$/, { timeout: 30_000 });
  // 5 x 2 s - 4 x 0.5 s + 2 s title card = 10 s.
  await expect(page.getByTestId("duration")).toHaveText("0:10");
  await screen(page, "08-composer");

  // Preview plays in place.
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("preview")).toBeVisible();
  await screen(page, "09-preview-rendering");
  const previewVideo = page.getByTestId("preview-video");
  await expect(previewVideo).toBeVisible({ timeout: 180_000 });
  await screen(page, "10-preview-ready");

  // Create the video and watch it render.
  await page.getByRole("button", { name: "Create video" }).click();
  await expect(page.getByRole("heading", { name: "Videos" })).toBeVisible();
  const card = page.getByTestId("video-card").filter({ hasText: "E2E holiday" });
  await expect(card).toHaveCount(1);
  await screen(page, "11-videos-rendering");
  await expect(card).toHaveAttribute("data-status", "READY", { timeout: 240_000 });
  await screen(page, "12-videos-ready");

  // It plays: currentTime advances.
  const video = card.locator("video");
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(0.5);

  // Download.
  const downloadPromise = page.waitForEvent("download");
  await card.getByRole("link", { name: "Download" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.mp4$/);
  const path = await download.path();
  expect(statSync(path).size).toBeGreaterThan(10_000);

  // Share link with expiry.
  await card.getByRole("button", { name: "Share" }).click();
  await card.getByRole("button", { name: "Create link" }).click();
  await expect(card.getByTestId("share-url")).toHaveValue(/^https?:\/\//);
  await expect(card.getByText(/Anyone with this link/)).toBeVisible();
  await screen(page, "13-video-share");

  // Delete (with confirmation).
  await card.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await screen(page, "14-video-delete-confirm");
  await page.getByRole("dialog").getByRole("button", { name: "Delete video" }).click();
  await expect(card).toHaveCount(0);

  // Phone width.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Library" }).click();
  await expect(ready).toHaveCount(5);
  await screen(page, "15-library-phone");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compose" }).click();
  await screen(page, "16-composer-phone");
});
