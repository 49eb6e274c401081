import { expect, test } from "@playwright/test";
import { PASSWORD, screen, signIn, signUp, uniqueEmail } from "./fixtures";

test("sign-up needing an e-mail code shows the confirm form (signUp answer rewritten to confirmed:false, confirm call stubbed: the embedded stack auto-confirms)", async ({ page }) => {
  const email = uniqueEmail("confirm");
  // The real sign-up runs; only its answer is changed, as a pool with e-mail verification would answer.
  await page.route(/\/trpc\/auth\.signUp/, async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { result: { data: { confirmed: boolean } } }[];
    body[0]!.result.data.confirmed = false;
    await route.fulfill({ response: res, json: body });
  });
  let confirmBody = "";
  await page.route(/\/trpc\/auth\.confirmSignUp/, async (route) => {
    confirmBody = route.request().postData() ?? "";
    await route.fulfill({ json: [{ result: { data: { confirmed: true } } }] });
  });
  await page.goto("/signup");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Confirm your e-mail" })).toBeVisible();
  await expect(page.getByText(`We sent a code to ${email}`)).toBeVisible();
  await screen(page, "34-confirm-code");
  await page.getByLabel("Confirmation code").fill("123456");
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
  expect(confirmBody).toContain("123456");
});

test("a wrong password is refused with a message, then the right one signs in", async ({ page }) => {
  const email = uniqueEmail("signin");
  await page.goto("/signup");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await signIn(page, email, "Wrong-password-1");
  await expect(page.getByRole("alert")).toBeVisible();
  await screen(page, "35-sign-in-error");
  await signIn(page, email);
  await expect(page.getByRole("heading", { level: 1, name: "Library" })).toBeVisible();
});

test("signing out revokes the session even after the access cookie has expired (the refresh cookie goes to sign-out)", async ({ page, context, request }) => {
  const email = uniqueEmail("signout");
  await signUp(page, email);
  const refreshToken = (await context.cookies()).find((c) => c.name === "pr_rt")?.value;
  expect(refreshToken).toBeTruthy();
  // What an idle hour does: the access cookie (max-age = the token's lifetime) is gone, the refresh cookie stays.
  await context.clearCookies({ name: "pr_at" });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect((await context.cookies()).filter((c) => c.name === "pr_rt" || c.name === "pr_at")).toEqual([]);
  // The refresh token the browser held no longer mints a session, wherever it might have been copied to.
  const r = await request.post("/trpc/auth.refresh", { data: { refreshToken } });
  expect(r.status()).toBe(401);
});
