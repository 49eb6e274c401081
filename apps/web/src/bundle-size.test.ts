import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let out = "";

// Its own production build: vitest (and the e2e server) run with NODE_ENV=test, under which Vite bundles React's
// development build (about 60 KB gz more), and a dist left by an e2e run would otherwise be measured instead.
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "photoreel-web-dist-"));
  execFileSync(process.execPath, [join(root, "node_modules", "vite", "bin", "vite.js"), "build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], { cwd: root, stdio: "pipe", env: { ...process.env, NODE_ENV: "production" } });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const measure = (env: Record<string, string> = {}) => spawnSync(process.execPath, [join(root, "scripts", "bundle-size.mjs"), out], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });

describe("bundle size budget", () => {
  it("keeps the initial JS under 200 KB gzipped (scripts/bundle-size.mjs on a production build)", () => {
    const r = measure();
    expect(r.stdout).toMatch(/initial JS: [\d.]+ KB gzipped/);
    expect(r.status, r.stderr).toBe(0);
    const kb = Number(/initial JS: ([\d.]+) KB/.exec(r.stdout)?.[1]);
    console.log(`initial JS: ${kb} KB gzipped (budget 200 KB)`);
    expect(kb).toBeGreaterThan(10);
    expect(kb).toBeLessThan(200);
  });

  it("fails when the budget is exceeded", () => {
    const r = measure({ BUDGET_KB: "1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/over budget/);
  });
});
