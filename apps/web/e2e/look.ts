import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** Where every screen's pictures go (git-ignored). Open them and look before you finish. */
export const SCREENSHOTS = join(import.meta.dirname, "..", "test-results", "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

/** The two sizes every screen is checked at: a laptop and a phone. */
export const SIZES = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

type Size = keyof typeof SIZES;
interface Pass {
  size: Size;
  dark: boolean;
}

/** Light at both sizes; dark at desktop size (contrast does not depend on the width, and each pass costs an axe run). */
const PASSES: Pass[] = [
  { size: "desktop", dark: false },
  { size: "phone", dark: false },
  { size: "desktop", dark: true },
];

export interface LookOptions {
  /** Also check the dark theme at phone size. */
  darkPhone?: boolean;
  /** CSS selectors axe should skip (say why at the call site). */
  exclude?: string[];
  /** Only what fits the window: for full-screen overlays (a viewer), where the page under them is not what one sees. */
  viewportOnly?: boolean;
}

/**
 * Look at the current screen as a user would, at desktop and phone size and in the dark theme: a full-page
 * screenshot of each under test-results/screenshots/<name>.<size>[-dark].png, and an axe scan of each that fails
 * the test on any violation (every rule axe runs by default: WCAG 2.x A/AA and best practices).
 * The page's viewport and colour scheme are put back afterwards, so a test can carry on where it was.
 */
export async function look(page: Page, name: string, opts: LookOptions = {}) {
  const original = page.viewportSize();
  const passes = opts.darkPhone ? [...PASSES, { size: "phone" as const, dark: true }] : PASSES;
  const problems: string[] = [];
  try {
    for (const pass of passes) {
      const vp = SIZES[pass.size];
      await page.emulateMedia({ colorScheme: pass.dark ? "dark" : "light" });
      await page.setViewportSize(vp);
      await settle(page);
      const label = `${name}.${pass.size}${pass.dark ? "-dark" : ""}`;
      const axe = new AxeBuilder({ page });
      for (const sel of opts.exclude ?? []) axe.exclude(sel);
      const { violations } = await axe.analyze();
      for (const v of violations) {
        const where = v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")} ${n.html.slice(0, 160)}`).join(" | ");
        problems.push(`${label}: ${v.id} (${v.impact ?? "?"}) ${v.help} -> ${where}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4} more)` : ""}`);
      }
      if (opts.viewportOnly) await page.screenshot({ path: join(SCREENSHOTS, `${label}.png`), animations: "disabled", caret: "hide" });
      else await fullPage(page, join(SCREENSHOTS, `${label}.png`), vp);
    }
  } finally {
    await page.emulateMedia({ colorScheme: null });
    if (original) await page.setViewportSize(original);
  }
  expect(problems, `axe found accessibility problems on "${name}":\n${problems.join("\n")}`).toEqual([]);
}

/** Let layout, fonts and images that just came into view settle (bounded: never more than about 3 s). */
async function settle(page: Page) {
  await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await document.fonts.ready;
    const pending = [...document.images].filter((i) => !i.complete && i.getBoundingClientRect().top < innerHeight);
    const loaded = (i: HTMLImageElement) =>
      new Promise((r) => {
        i.addEventListener("load", r, { once: true });
        i.addEventListener("error", r, { once: true });
      });
    await Promise.race([Promise.all(pending.map(loaded)), new Promise((r) => setTimeout(r, 3000))]);
  });
}

/**
 * Full-page screenshot. The viewport is stretched to the page height first: Chromium's fullPage capture otherwise
 * paints sticky bars in the middle of the page.
 */
async function fullPage(page: Page, path: string, vp: { width: number; height: number }) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (height > vp.height) {
    await page.setViewportSize({ width: vp.width, height: Math.min(height, 6000) });
    await settle(page);
  }
  await page.screenshot({ path, animations: "disabled", caret: "hide" });
  if (height > vp.height) await page.setViewportSize(vp);
}
