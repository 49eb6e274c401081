import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Starting the stand-ins or moto takes a few seconds; the suites share one backend per file.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
