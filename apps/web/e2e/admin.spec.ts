import { expect, test, type Route } from "@playwright/test";
import { screen, signUp, uniqueEmail, uploadAndPick } from "./fixtures";

test("an operator sees queues, stats, render stages, jobs and users", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await signUp(page, "admin@example.com");
  // One real render, so the panel has a READY job with its stage breakdown.
  await uploadAndPick(page, 2, 120_000);
  await page.getByRole("button", { name: "Make a video" }).click();
  await page.getByLabel("Video title").fill("Stage figures");
  await page.getByRole("button", { name: "Create video" }).click();
  await expect(page.getByTestId("video-card").filter({ hasText: "Stage figures" })).toHaveAttribute("data-status", "READY", { timeout: 180_000 });
  const adminLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" });
  await expect(adminLink).toBeVisible();
  await adminLink.click();
  await expect(page.getByRole("heading", { name: "Operations" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Queues" })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "Dead letters" })).toBeVisible();
  await expect(page.getByText("p95")).toBeVisible();
  // p50 and p90 of each stage over the READY videos: the one render above, each figure a number of seconds.
  const stages = page.getByTestId("stages-table");
  await expect(stages).toContainText(/over [1-9]\d* videos? with a breakdown/);
  for (const stage of ["Download", "Pre-scale", "Draw", "Encode", "Join", "Upload"]) {
    const row = stages.getByRole("row", { name: new RegExp(`^${stage}`) });
    await expect(row.getByRole("cell")).toHaveText([/^\d+(\.\d)? s$/, /^\d+(\.\d)? s$/]);
  }
  await expect(page.getByTestId("users-table")).toContainText("admin@example.com");
  await page.getByLabel("Status").selectOption("READY");
  // The job's own stages in its row: "Download 0.1 s · Pre-scale 0.2 s · …".
  const jobs = page.getByTestId("jobs-table");
  await expect(jobs.getByRole("row").filter({ hasText: /Download \d/ }).first()).toContainText(/Download \d+(\.\d)? s · Pre-scale \d+(\.\d)? s · Draw .* · Upload \d+(\.\d)? s/);
  await page.getByLabel("Search users by e-mail").fill("nobody-matches-this");
  await expect(page.getByText("No users match.")).toBeVisible();
  await page.getByLabel("Search users by e-mail").fill("admin@");
  await expect(page.getByTestId("users-table")).toContainText("admin@example.com");
  // Both sizes: on a phone the tables scroll sideways inside focusable regions.
  await screen(page, "30-admin");
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
  // Both gone: the next call fails, the refresh fails, and the user is asked to sign in again. The composer's calls
  // go out in two batches; the later one is held so that its refusal lands while the app is asking who is signed in
  // (held too), as it did once under load: a second "expired" then must not leave the app loading for ever.
  await context.clearCookies();
  const hold = (ms: number) => async (route: Route) => {
    await new Promise((r) => setTimeout(r, ms));
    await route.continue();
  };
  await page.route(/\/trpc\/[^?]*audio\.list/, hold(700));
  await page.route(/\/trpc\/auth\.me\b/, hold(1500));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compose" }).click();
  await expect(page.getByText("Your session expired; sign in again")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await screen(page, "33-session-expired");
});
