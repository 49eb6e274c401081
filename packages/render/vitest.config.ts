import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Render tests run real FFmpeg; on a busy 2-core machine a render can take several seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
