import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The router's tests run on the embedded stand-ins and a fresh database on the real PostgreSQL, one stack per
    // file: starting it takes a few seconds (same settings as the API server's suites they came from).
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
