import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { uuidv7 } from "@photoreel/core";
import { rawGet } from "@photoreel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./harness";

let t: TestStack;
let dist: string;
let token: string;
const script = `export const words = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => `word${i % 50}`))};\n`;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "photoreel-dist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>photoreel</title><div id=root></div>");
  writeFileSync(join(dist, "assets", "app-abc123.js"), script);
  t = await startTestStack({ env: { WEB_DIST_DIR: dist } });
  const u = await t.signUp();
  token = u.accessToken;
  // A page of ready photos: each item carries two presigned URLs, as in the library grid.
  await t.app.db
    .insertInto("photos")
    .values(Array.from({ length: 40 }, (_, i) => ({ id: uuidv7(), owner_id: u.user.sub, status: "ready" as const, filename: `IMG_${i}.jpg`, content_type: "image/jpeg", bytes: 1000, width: 4032, height: 3024 })))
    .execute();
}, 60_000);
afterAll(async () => {
  await t?.stop();
  rmSync(dist, { recursive: true, force: true });
});

const raw = (path: string, headers: Record<string, string>) => rawGet(`${t.baseUrl}${path}`, headers);

const LIST = `/trpc/photos.list?input=${encodeURIComponent(JSON.stringify({ limit: 50 }))}`;

describe("compressed answers", () => {
  it("the photo list goes out gzipped to a browser, and plain to a client that asks for nothing or only for brotli", async () => {
    const auth = { authorization: `Bearer ${token}` };
    const plain = await raw(LIST, auth);
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const data = JSON.parse(plain.body.toString("utf8")) as { result: { data: { items: { thumbnailUrl: string }[] } } };
    expect(data.result.data.items).toHaveLength(40);
    expect(data.result.data.items[0]!.thumbnailUrl).toContain("X-Amz-Signature=");

    // What Chromium sends: gzip, never brotli (its per-response cost on the server: app.ts).
    const browser = await raw(LIST, { ...auth, "accept-encoding": "gzip, deflate, br, zstd" });
    expect(browser.headers["content-encoding"]).toBe("gzip");
    expect(browser.headers.vary).toMatch(/accept-encoding/i);
    // The same answer (the URLs are signed once per window, so byte for byte), in a fraction of the bytes.
    expect(JSON.parse(gunzipSync(browser.body).toString("utf8"))).toEqual(data);
    expect(browser.body.length).toBeLessThan(plain.body.length / 3);

    for (const accepts of ["br", "br;q=1.0, identity;q=0.5"]) {
      const brOnly = await raw(LIST, { ...auth, "accept-encoding": accepts });
      expect(brOnly.headers["content-encoding"], accepts).toBeUndefined();
      expect(JSON.parse(brOnly.body.toString("utf8")), accepts).toEqual(data);
    }
  });

  it("the app's scripts and pages are compressed too, with their caching and security headers kept", async () => {
    const js = await raw("/assets/app-abc123.js", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(js.status).toBe(200);
    expect(js.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(js.body).toString("utf8")).toBe(script);
    expect(js.headers["cache-control"]).toMatch(/immutable/);
    expect(js.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("small answers are not worth compressing and go out as they are", async () => {
    const health = await raw("/healthz", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(health.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(health.body.toString("utf8"))).toEqual({ status: "ok" });
    const page = await raw("/", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(page.headers["content-encoding"]).toBeUndefined();
    expect(page.body.toString("utf8")).toContain("<div id=root>");
  });
});
