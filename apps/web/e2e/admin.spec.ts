import { expect, test } from "@playwright/test";
import { screen, signUp, uniqueEmail } from "./fixtures";

test("an operator sees queues, stats, jobs and users", async ({ page }) => {
  await signUp(page, "admin@example.com");
  const adminLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" });
  await expect(adminLink).toBeVisible();
  await adminLink.click();
  await expect(page.getByRole("heading", { name: "Operations" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Queues" })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "Dead letters" })).toBeVisible();
  await expect(page.getByText("p95")).toBeVisible();
  await expect(page.getByTestId("users-table")).toContainText("admin@example.com");
  await page.getByLabel("Status").selectOption("READY");
  await expect(page.getByText(/No ready jobs|Video/).first()).toBeVisible();
  await page.getByLabel("Search users by e-mail").fill("nobody-matches-this");
  await expect(page.getByText("No users match.")).toBeVisible();
  await page.getByLabel("Search users by e-mail").fill("admin@");
  await expect(page.getByTestId("users-table")).toContainText("admin@example.com");
  await screen(page, "30-admin");
  await page.setViewportSize({ width: 375, height: 812 });
  await screen(page, "31-admin-phone");
});

test("a normal user has no admin link and is turned away from /admin", async ({ page }) => {
  await signUp(page, uniqueEmail("plain"));
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  await page.goto("/admin");
  await expect(page.getByText("This area is for operators only")).toBeVisible();
  await screen(page, "32-admin-forbidden");
});

test("an expired access token is renewed silently; an expired session goes to sign-in with a message", async ({ page, context }) => {
  await signUp(page, uniqueEmail("session"));
  // Access cookie gone: the refresh cookie renews it without the user noticing.
  await context.clearCookies({ name: "pr_at" });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Videos" }).click();
  await expect(page.getByText("No videos yet.")).toBeVisible();
  expect((await context.cookies()).some((c) => c.name === "pr_at")).toBe(true);
  // Both gone: the next call fails, the refresh fails, and the user is asked to sign in again.
  await context.clearCookies();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compose" }).click();
  await expect(page.getByText("Your session expired; sign in again")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await screen(page, "33-session-expired");
});
