import { defineConfig } from "vitest/config";

// Own config so running vitest in this folder does not pick up the root's multi-project config.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000, // a loaded 2-core machine; the suites themselves assert tighter bounds where time matters
  },
});
