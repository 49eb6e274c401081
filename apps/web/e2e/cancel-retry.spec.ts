import { expect, test } from "@playwright/test";
import { expireLinksIn, screen, signUp, uniqueEmail, uploadAndPick } from "./fixtures";

test("a rendering video is canceled from its card, then retried to READY", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await signUp(page, uniqueEmail("cancel"));
  await uploadAndPick(page, 3, 120_000);
  await page.getByRole("button", { name: "Make a video" }).click();
  // Long enough to be caught rendering: 3 x 10 s of Ken Burns at 1080p, final quality.
  await page.getByLabel("Seconds per photo").fill("10");
  await page.getByText("Slow pan and zoom (Ken Burns)").click();
  await page.getByLabel("Resolution").selectOption("1080p");
  await page.getByText("Final", { exact: true }).click();
  await page.getByLabel("Video title").fill("Cancel me");
  await page.getByRole("button", { name: "Create video" }).click();

  const card = page.getByTestId("video-card").filter({ hasText: "Cancel me" });
  await expect(card).toHaveAttribute("data-status", "RENDERING", { timeout: 60_000 });
  await card.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(card).toHaveAttribute("data-status", "CANCELED", { timeout: 30_000 });
  await expect(card.getByRole("link", { name: "Download" })).toHaveCount(0);
  await screen(page, "20-video-canceled");

  await card.getByRole("button", { name: "Retry", exact: true }).click();
  await expect(card).not.toHaveAttribute("data-status", "CANCELED");
  await expect(card).toHaveAttribute("data-status", "READY", { timeout: 180_000 });
  await expect(card.getByRole("link", { name: "Download" })).toBeVisible();

  // A page left open past its links' hour: the list's video link is refused; the player asks for a fresh one.
  const { refused, undo } = await expireLinksIn(page, "videos.list", "video.mp4");
  await page.reload();
  const player = card.getByTestId("player");
  await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const id = await card.getAttribute("data-video-id");
  expect([...refused].some((p) => p.includes(`/${id}/`))).toBe(true);
  await undo();
});
