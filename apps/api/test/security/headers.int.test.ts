import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startTestStack, type TestStack } from "../harness";
import { answer, callProcedure, type HttpAnswer } from "./procedures";

const HTTPS_ORIGIN = "https://photoreel.example";
let t: TestStack;
let secure: TestStack;
let dist: string;
let cookie: string;
let user: Awaited<ReturnType<TestStack["signUp"]>>;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "photoreel-dist-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>photoreel</title><div id=root></div>");
  writeFileSync(join(dist, "assets", "app-abc123.js"), "console.log('hi')");
  [t, secure] = await Promise.all([startTestStack({ env: { WEB_DIST_DIR: dist } }), startTestStack({ env: { PUBLIC_URL: HTTPS_ORIGIN } })]);
  user = await t.signUp();
  const signIn = await callProcedure(t.baseUrl, { path: "auth.signIn", type: "mutation" }, { email: user.email, password: PASSWORD });
  cookie = signIn.cookies.find((c) => c.startsWith("pr_at="))!.split(";")[0]!;
}, 60_000);
afterAll(async () => {
  await Promise.all([t?.stop(), secure?.stop()]);
  rmSync(dist, { recursive: true, force: true });
});

function expectSecurityHeaders(h: Headers, where: string, https = false) {
  const csp = h.get("content-security-policy") ?? "";
  const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(" ")]));
  expect(directives["default-src"], `${where}: CSP ${csp}`).toBe("'self'");
  expect(directives["frame-ancestors"], where).toBe("'none'");
  expect(directives["object-src"], where).toBe("'none'");
  expect(directives["script-src"], where).toBe("'self'");
  expect(h.get("x-content-type-options"), where).toBe("nosniff");
  expect(h.get("x-frame-options"), where).toBe("DENY");
  expect(h.get("x-powered-by"), where).toBeNull();
  expect(h.get("access-control-allow-origin"), where).toBeNull();
  if (https) {
    expect(h.get("strict-transport-security"), where).toMatch(/max-age=(\d{8,}|3[1-9]\d{6})/);
    expect("upgrade-insecure-requests" in directives, where).toBe(true);
  } else expect(h.get("strict-transport-security"), where).toBeNull();
}

const get = async (base: string, path: string, headers: Record<string, string> = {}) => answer(await fetch(`${base}${path}`, { headers }));

describe("security headers on every kind of response", () => {
  it("health, tRPC (ok, error, unknown procedure), a 404, the SPA index, a static asset, a body-limit refusal", async () => {
    const responses: [string, HttpAnswer, number][] = [
      ["/healthz", await get(t.baseUrl, "/healthz"), 200],
      ["/readyz", await get(t.baseUrl, "/readyz"), 200],
      ["auth.me signed in", await callProcedure(t.baseUrl, { path: "auth.me", type: "query" }, undefined, { cookie }), 200],
      ["auth.me signed out", await callProcedure(t.baseUrl, { path: "auth.me", type: "query" }, undefined), 401],
      ["an unknown procedure", await callProcedure(t.baseUrl, { path: "nope.nothing", type: "query" }, undefined), 404],
      ["a bad input", await callProcedure(t.baseUrl, { path: "photos.get", type: "query" }, { id: 1 }, { cookie }), 400],
      ["a 413", await callProcedure(t.baseUrl, { path: "photos.updateCaption", type: "mutation" }, undefined, { cookie, raw: `"${"x".repeat(1.2 * 1024 * 1024)}"` }), 413],
      ["a 404 outside the SPA (/trpcx)", await get(t.baseUrl, "/trpcx"), 404],
      ["the SPA index", await get(t.baseUrl, "/"), 200],
      ["an SPA route", await get(t.baseUrl, "/videos/123"), 200],
      ["the sign-in page", await get(t.baseUrl, "/signin"), 200],
      ["an unknown page (the SPA's 404 page, with a 404)", await get(t.baseUrl, "/videosx"), 404],
      ["a static asset", await get(t.baseUrl, "/assets/app-abc123.js"), 200],
      ["a missing asset (no page in its place)", await get(t.baseUrl, "/assets/missing.js"), 404],
    ];
    for (const [where, r, status] of responses) {
      expect([where, r.status]).toEqual([where, status]);
      expectSecurityHeaders(r.headers, where);
    }
    const index = responses.find(([w]) => w === "the SPA index")![1];
    expect(index.text).toContain("<div id=root>");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    // The unknown page is still the app (it draws "Page not found"); the missing script is not.
    expect(responses.find(([w]) => w.startsWith("an unknown page"))![1].text).toContain("<div id=root>");
    expect(responses.find(([w]) => w.startsWith("a missing asset"))![1].text).not.toContain("<div id=root>");
  });

  it("path traversal through the static handler reaches nothing outside the dist", async () => {
    for (const path of ["/..%2f..%2f..%2fetc%2fpasswd", "/assets/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/%2e%2e%5c%2e%2e%5cetc%5cpasswd"]) {
      const r = await get(t.baseUrl, path);
      expect(r.status, path).toBeLessThan(500);
      expect(r.text, path).not.toMatch(/root:.*:0:0:/);
    }
  });

  it("an injected x-request-id is not echoed back", async () => {
    const r = await get(t.baseUrl, "/healthz", { "x-request-id": "<script>alert(1)</script>" });
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("session cookies are httpOnly and SameSite=Strict, not Secure over plain http", async () => {
    const r = await callProcedure(t.baseUrl, { path: "auth.signIn", type: "mutation" }, { email: user.email, password: PASSWORD });
    expect(r.cookies.map((c) => c.split("=")[0]).sort()).toEqual(["pr_at", "pr_rt", "pr_rt"]);
    for (const c of r.cookies) {
      expect(c).toMatch(/;\s*HttpOnly/i);
      expect(c).toMatch(/;\s*SameSite=Strict/i);
      expect(c).not.toMatch(/;\s*Secure/i);
    }
    expect(r.cookies.find((c) => c.startsWith("pr_rt="))).toMatch(/Path=\/trpc\/auth\.refresh/);
  });

  it("with an https PUBLIC_URL: HSTS, upgrade-insecure-requests and Secure cookies", async () => {
    const acct = await secure.signUp();
    const signIn = await callProcedure(secure.baseUrl, { path: "auth.signIn", type: "mutation" }, { email: acct.email, password: PASSWORD }, { headers: { origin: HTTPS_ORIGIN } });
    expect(signIn.status).toBe(200); // its own origin is allowed
    expect(signIn.cookies).toHaveLength(3); // pr_at, and pr_rt for its two paths (refresh, sign-out)
    for (const c of signIn.cookies) {
      expect(c).toMatch(/;\s*Secure/i);
      expect(c).toMatch(/;\s*HttpOnly/i);
      expect(c).toMatch(/;\s*SameSite=Strict/i);
    }
    expectSecurityHeaders(signIn.headers, "https signIn", true);
    expectSecurityHeaders((await get(secure.baseUrl, "/healthz")).headers, "https /healthz", true);
    expectSecurityHeaders((await get(secure.baseUrl, "/nothing-here")).headers, "https 404", true);
    const out = await callProcedure(secure.baseUrl, { path: "auth.signOut", type: "mutation" }, {}, { headers: { origin: HTTPS_ORIGIN } });
    for (const c of out.cookies) expect(c).toMatch(/;\s*Secure/i);
  });
});

describe("CSRF: what a foreign page can send is refused and changes nothing", () => {
  const createAudio = { path: "audio.createUpload", type: "mutation" as const };
  const input = { filename: "csrf.wav", contentType: "audio/wav", bytes: 100 };
  const audioCount = async () => (await user.caller.audio.list()).length;

  it("the control: the same request from the app itself works", async () => {
    const before = await audioCount();
    const r = await callProcedure(t.baseUrl, createAudio, input, { cookie });
    expect(r.status).toBe(200);
    expect(await audioCount()).toBe(before + 1);
  });

  it.each([["https://evil.example"], ["null"], ["http://127.0.0.1.evil.example"], [HTTPS_ORIGIN]])("a POST with Origin %s -> 403", async (origin) => {
    const before = await audioCount();
    const r = await callProcedure(t.baseUrl, createAudio, input, { cookie, headers: { origin } });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text)).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(await audioCount()).toBe(before);
  });

  it.each([["application/x-www-form-urlencoded"], ["text/plain"], ["multipart/form-data; boundary=x"], ["text/plain; charset=application/json"], [""]])(
    "a POST with Content-Type %j -> 415",
    async (contentType) => {
      const before = await audioCount();
      const body = contentType.startsWith("application/x-www") ? `filename=csrf.wav&contentType=audio%2Fwav&bytes=100` : JSON.stringify(input);
      const headers: Record<string, string> = { cookie };
      if (contentType) headers["content-type"] = contentType;
      const res = await fetch(`${t.baseUrl}/trpc/audio.createUpload`, { method: "POST", headers, body: contentType ? body : new Blob([body]) });
      expect(res.status).toBe(415);
      expect(await audioCount()).toBe(before);
    },
  );

  it("a GET to a mutation is refused and changes nothing (also sign-out)", async () => {
    const before = await audioCount();
    const r = await callProcedure(t.baseUrl, createAudio, input, { cookie, method: "GET" });
    expect([405, 400]).toContain(r.status);
    expect(await audioCount()).toBe(before);
    const out = await callProcedure(t.baseUrl, { path: "auth.signOut", type: "mutation" }, undefined, { cookie, method: "GET" });
    expect([405, 400]).toContain(out.status);
    expect(out.cookies).toEqual([]);
    expect((await callProcedure(t.baseUrl, { path: "auth.me", type: "query" }, undefined, { cookie })).status).toBe(200);
  });

  it("other methods (PUT, PATCH, DELETE) do nothing", async () => {
    const before = await audioCount();
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const r = await callProcedure(t.baseUrl, createAudio, input, { cookie, method, headers: { "content-type": "text/plain" } });
      expect(r.status, method).toBeGreaterThanOrEqual(400);
      expect(r.status, method).toBeLessThan(500);
    }
    expect(await audioCount()).toBe(before);
  });

  it("no CORS: a cross-origin preflight is not granted", async () => {
    const res = await fetch(`${t.baseUrl}/trpc/audio.createUpload`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });
});
