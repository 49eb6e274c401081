import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "cloudformation",
    include: ["test/**/*.test.ts"],
    // cfn-lint over nine templates takes 10-30 s on a busy machine.
    testTimeout: 120_000,
  },
});
