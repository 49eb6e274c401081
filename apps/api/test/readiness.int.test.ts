import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./harness";

// Readiness is the HTTP app's /readyz: it stays with the server when the rest of operations.int.test.ts (the
// router's multipart, admin and sweeper procedures) moved to packages/api.
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

describe("readiness", () => {
  it("answers 200 when every dependency answers, 503 naming the one that does not", async () => {
    const ok = await fetch(`${t.baseUrl}/readyz`);
    expect(ok.status).toBe(200);
    const broken = await startTestStack({ env: { S3_BUCKET: "no-such-bucket" } });
    try {
      const res = await fetch(`${broken.baseUrl}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks.bucket).not.toBe("ok");
      expect(body.checks.database).toBe("ok");
    } finally {
      await broken.stop();
    }
  }, 60_000);
});
