import { expect, test } from "@playwright/test";
import { PASSWORD, screen, signUp, uniqueEmail } from "./fixtures";

test("a signed-out visitor at / sees what photoreel does, a sample video and the ways in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Your photos, made into a video" })).toBeVisible();
  await expect(page.getByRole("img", { name: /sample video/ })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Upload" })).toBeVisible();
  // It loops, so it can be paused (and played again).
  const slide = page.locator(".reel-slide").first();
  expect(await slide.evaluate((el) => getComputedStyle(el).animationPlayState)).toContain("running");
  await page.getByRole("button", { name: "Pause the sample video" }).click();
  expect(await slide.evaluate((el) => getComputedStyle(el).animationPlayState)).toContain("paused");
  await page.getByRole("button", { name: "Play the sample video" }).click();
  await expect(page.getByRole("button", { name: "Pause the sample video" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin");
  await screen(page, "40-landing", { darkPhone: true });

  await page.getByRole("link", { name: "Create a free account" }).click();
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await page.goBack();
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await screen(page, "44-sign-in");
  // The name over the form leads back home.
  await page.getByRole("link", { name: "photoreel home" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your photos, made into a video" })).toBeVisible();
});

test("an unknown address shows a 404 page, signed out and signed in, never the library", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByText("/no/such/page")).toBeVisible();
  await screen(page, "41-not-found-signed-out");
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your photos, made into a video" })).toBeVisible();

  await signUp(page, uniqueEmail("lost"));
  // A screen's name with something after it is not that screen.
  await page.goto("/videosx");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await page.goto("/photos-that-do-not-exist");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await screen(page, "42-not-found");
  await page.getByRole("link", { name: "Go to your library" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
});

test("signing up with an e-mail that has an account offers a link to sign in", async ({ page }) => {
  const email = uniqueEmail("twice");
  await signUp(page, email);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/signup");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("An account with this e-mail already exists; sign in instead.");
  await screen(page, "43-sign-up-exists");
  await alert.getByRole("link", { name: "sign in" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  test("the upload box says 'Tap to choose photos', not 'Drag photos here'", async ({ page }) => {
    await signUp(page, uniqueEmail("phone"));
    await expect(page.getByText("Tap to choose photos")).toBeVisible();
    await expect(page.getByText(/Drag photos here/)).toBeHidden();
  });
});
