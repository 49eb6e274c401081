import { defineConfig } from "vitest/config";

// Unit tests only; the Playwright suites under e2e/ run with `pnpm e2e`.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    testTimeout: 180_000,
  },
});
