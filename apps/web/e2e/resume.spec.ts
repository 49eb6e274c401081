import { expect, test, type Request } from "@playwright/test";
import { makeLargePng, screen, signUp, uniqueEmail } from "./fixtures";

const partOf = (r: Request) => (r.method() === "PUT" ? new URL(r.url()).searchParams.get("partNumber") : null);

test("an interrupted large upload resumes after a reload without re-sending finished parts", async ({ page }) => {
  const file = await makeLargePng(20); // about 20 MB: three 8 MiB parts
  await signUp(page, uniqueEmail("resume"));

  const sent = new Map<string, number>();
  const succeeded = new Map<string, number>();
  page.on("request", (r) => {
    const n = partOf(r);
    if (n) sent.set(n, (sent.get(n) ?? 0) + 1);
  });
  page.on("requestfinished", async (r) => {
    const n = partOf(r);
    if (n && (await r.response())?.ok()) succeeded.set(n, (succeeded.get(n) ?? 0) + 1);
  });

  // Network drop: part 1 gets through, then every other part fails.
  let part1Done!: () => void;
  const part1 = new Promise<void>((res) => (part1Done = res));
  await page.route(
    (u) => u.searchParams.has("partNumber") && u.searchParams.has("uploadId"),
    async (route) => {
      if (route.request().method() !== "PUT") return route.continue();
      if (partOf(route.request()) === "1") {
        const res = await route.fetch();
        await route.fulfill({ response: res });
        part1Done();
        return;
      }
      await part1;
      await route.abort("internetdisconnected");
    },
  );

  await page.getByTestId("photo-input").setInputFiles(file);
  const row = page.locator('[data-testid="upload-row"][data-filename="large-photo.png"]:not([data-status="interrupted"])');
  await expect(row).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  await expect(row.getByRole("button", { name: "Retry" })).toBeVisible();
  await expect(row).toContainText("Retry resumes where it stopped");
  await screen(page, "20-upload-interrupted");
  expect(succeeded.get("1")).toBe(1);

  // Back online, after a reload: the app remembers the upload and asks for the file again.
  await page.unrouteAll({ behavior: "wait" });
  await page.reload();
  const notice = page.locator('[data-testid="upload-row"][data-status="interrupted"]');
  await expect(notice).toContainText("large-photo.png");
  await expect(notice).toContainText("Interrupted (20.0 MB). Choose the same file again");
  await screen(page, "21-upload-resume-notice");
  await page.getByTestId("photo-input").setInputFiles(file);
  await page.getByRole("button", { name: "Details" }).click();
  await expect(row).toContainText("resumed");
  await expect(row).toHaveAttribute("data-status", /processing|ready/, { timeout: 60_000 });
  await screen(page, "22-upload-resumed");

  // Part 1 went over the wire exactly once; parts 2 and 3 succeeded once each, after the drop.
  expect(sent.get("1")).toBe(1);
  expect(succeeded.get("1")).toBe(1);
  expect(succeeded.get("2")).toBe(1);
  expect(succeeded.get("3")).toBe(1);
  expect(sent.get("2")).toBeGreaterThan(1);
  await expect(notice).toHaveCount(0);
  await expect(page.locator('[data-testid="photo-tile"][data-filename="large-photo.png"]')).toHaveCount(1, { timeout: 60_000 });
});
