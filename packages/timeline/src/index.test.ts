/// <reference types="node" />
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("@photoreel/timeline", () => {
  it("imports nothing but @photoreel/contracts and itself, so the browser can load it", () => {
    const dir = new URL(".", import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const text = readFileSync(new URL(file, dir), "utf8");
      for (const [, spec] of text.matchAll(/from\s+"([^"]+)"/g)) expect(spec, file).toMatch(/^(\.\/|@photoreel\/contracts$)/);
    }
  });
});
