import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The stand-ins start in a few seconds; renders run real FFmpeg on a shared machine.
    hookTimeout: 60_000,
    testTimeout: 60_000,
  },
});
