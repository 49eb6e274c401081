import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("bundle size budget", () => {
  it("keeps the initial JS under 200 KB gzipped (scripts/bundle-size.mjs on the built dist)", () => {
    if (!existsSync(join(root, "dist", ".vite", "manifest.json"))) {
      execFileSync(process.execPath, [join(root, "node_modules", "vite", "bin", "vite.js"), "build"], { cwd: root, stdio: "pipe" });
    }
    const r = spawnSync(process.execPath, [join(root, "scripts", "bundle-size.mjs")], { cwd: root, encoding: "utf8" });
    expect(r.stdout).toMatch(/initial JS: [\d.]+ KB gzipped/);
    expect(r.status, r.stderr).toBe(0);
    const kb = Number(/initial JS: ([\d.]+) KB/.exec(r.stdout)?.[1]);
    expect(kb).toBeGreaterThan(10);
    expect(kb).toBeLessThan(200);
  });

  it("fails when the budget is exceeded", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "bundle-size.mjs")], { cwd: root, encoding: "utf8", env: { ...process.env, BUDGET_KB: "1" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/over budget/);
  });
});
