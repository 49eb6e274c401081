import { defineConfig } from "vitest/config";

// `pnpm exec vitest run --config vitest.all.config.ts` at the root runs every package's suite as one project each (same files turbo's `test` runs).
export default defineConfig({
  test: {
    projects: [
      "packages/*",
      "apps/*",
      "cloudformation",
      // Repository-wide checks (the dependency rules) that belong to no one package.
      { test: { name: "repo", include: ["scripts/**/*.test.ts"] } },
    ],
    maxWorkers: 2,
  },
});
