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
    // Not inherited by the projects above (each would default to one worker on a 2-core machine, so the whole run
    // went file by file): scripts/test.sh passes --maxWorkers=2 on the command line, which every project takes.
    maxWorkers: 2,
  },
});
