import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createLogger } from "@photoreel/bootstrap";
import { draftSpec, PASSWORD, postForm, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, trpcHttp, until, type WorkerProcess } from "@photoreel/testkit";
import sharp from "sharp";
import { WORKER } from "./harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp } from "../src/http/app";

// #13 §4: a whole journey over HTTP (sign-up, sign-in, upload, render, share, sign-out), then every secret the
// journey handled is looked for in what the API, the worker and the thumbnailer logged. The photo processing the
// Lambda does on AWS runs in-process on the embedded stack, through the service graph's logger named here.
const lines = { api: [] as string[], thumbnailer: [] as string[] };
const capture = (into: string[]) =>
  new Writable({
    write(chunk: Buffer, _enc, done) {
      into.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });

let t: TestStack;
let worker: WorkerProcess;
let baseUrl: string;
let close: () => void;

beforeAll(async () => {
  t = await startTestStack({ log: createLogger({ app: "thumbnailer", level: "debug", destination: capture(lines.thumbnailer) }) });
  worker = spawnWorker(WORKER, t.env);
  const server = createHttpApp(t.app, createLogger({ app: "api", level: "debug", destination: capture(lines.api) })).listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    server.close();
    server.closeAllConnections();
  };
}, 90_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  close?.();
  await t?.stop();
});

/** Cookie values and the values of signatures, policies and tokens found in a text. */
function secretsIn(text: string): string[] {
  const found = [
    ...[...text.matchAll(/X-Amz-(?:Signature|Credential|Security-Token)=([^&\s"]+)/gi)].map((m) => m[1]!),
    ...[...text.matchAll(/"X-Amz-(?:Signature|Credential|Security-Token)"\s*:\s*"([^"]+)"/gi)].map((m) => m[1]!),
    ...[...text.matchAll(/"(?:Policy|accessToken|refreshToken|idToken)"\s*:\s*"([^"]+)"/g)].map((m) => m[1]!),
  ];
  return found.map((s) => decodeURIComponent(s)).filter((s) => s.length >= 16);
}

describe("secrets never reach the logs", () => {
  it("a whole journey over HTTP leaves no token, cookie value or X-Amz-Signature in the API's, worker's or thumbnailer's logs", async () => {
    const secrets = new Set<string>();
    const email = `journey-${Date.now()}@example.com`;
    let cookie = "";
    const call = async (path: string, input: unknown, opts: { method?: "GET" | "POST"; bearer?: string } = {}) => {
      const r = await trpcHttp(baseUrl, path, input, { ...(opts.method ? { method: opts.method } : {}), ...(opts.bearer ? { token: opts.bearer } : { cookie }) });
      for (const c of r.cookies) {
        const [pair] = c.split(";");
        const value = pair!.slice(pair!.indexOf("=") + 1);
        if (value.length >= 16) secrets.add(value);
      }
      if (r.cookies.length) cookie = r.cookies.map((c) => c.split(";")[0]!).filter((p) => !p.endsWith("=")).join("; ");
      for (const s of secretsIn(JSON.stringify(r.body))) secrets.add(s);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body.result!.data as never;
    };

    await call("auth.signUp", { email, password: PASSWORD });
    const signedIn: { accessToken: string; refreshToken: string } = await call("auth.signIn", { email, password: PASSWORD });
    expect(cookie).not.toBe("");
    secrets.add(signedIn.accessToken);
    secrets.add(signedIn.refreshToken);
    const me: { id: string } = await call("auth.me", null, { method: "GET", bearer: signedIn.accessToken });

    const body = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#c03030" } }).jpeg().toBuffer();
    const { results }: { results: { ok: boolean; photoId: string; upload: { url: string; fields: Record<string, string> } }[] } = await call("photos.createUploads", {
      files: [{ filename: "journey.jpg", contentType: "image/jpeg", bytes: body.length }],
    });
    const upload = results[0]!;
    expect((await postForm(upload.upload, body, "journey.jpg", "image/jpeg")).status).toBeLessThan(300);
    await call("photos.completeUpload", { id: upload.photoId });
    await t.app.localProcessing!.idle();
    const photo: { status: string; thumbnailUrl: string } = await call("photos.get", { id: upload.photoId }, { method: "GET" });
    expect(photo.status).toBe("ready");

    const video: { id: string } = await call("videos.create", draftSpec([upload.photoId]));
    const ready = await until("video READY", async () => {
      const v: { status: string; videoUrl: string | null } = await call("videos.get", { id: video.id }, { method: "GET" });
      return v.status === "READY" || v.status === "FAILED" ? v : null;
    }, 90_000);
    expect(ready.status).toBe("READY");
    const shared: { url: string } = await call("videos.share", { id: video.id, expiresInHours: 1 });
    secrets.add(new URL(shared.url).pathname.split("/").pop()!);
    const shareUrl = shared.url.replace(new URL(shared.url).origin, baseUrl);
    const page = await fetch(shareUrl);
    expect(page.status).toBe(200);
    for (const s of secretsIn(await page.text())) secrets.add(s);
    const download = await fetch(`${shareUrl}/download`, { redirect: "manual" });
    expect(download.status).toBeLessThan(400);
    for (const s of secretsIn(download.headers.get("location") ?? "")) secrets.add(s);
    await download.arrayBuffer();
    await call("auth.signOut", {});

    // What was handled: the session cookies, the tokens, signatures and policies of every presigned URL and form.
    expect(secrets.size).toBeGreaterThan(8);
    expect([...secrets].some((s) => s.startsWith("eyJ"))).toBe(true);

    const logs = { api: lines.api, worker: worker.logs, thumbnailer: lines.thumbnailer };
    // Each app did log the journey (so the test can fail), the API one line per request with the agreed fields.
    for (const [app, l] of Object.entries(logs)) expect(l.length, app).toBeGreaterThan(0);
    expect(worker.logs.join("\n")).toContain(video.id);
    expect(lines.thumbnailer.join("\n")).toContain(upload.photoId);
    for (const [app, l] of Object.entries(logs)) {
      const text = l.join("\n");
      expect(text, app).not.toMatch(/X-Amz-Signature=(?!\[redacted\])/i);
      expect(text.toLowerCase(), app).not.toContain('"cookie"');
      expect(text.toLowerCase(), app).not.toContain('"authorization"');
      for (const s of secrets) expect(text.includes(s), `${app} logged a secret: ${s.slice(0, 12)}…`).toBe(false);
    }
    const requestLines = lines.api.filter((l) => (JSON.parse(l) as { msg?: string }).msg === "request completed");
    // Each key once: JSON.parse keeps the last of a repeated key, so this reads the raw line.
    for (const l of requestLines) expect(l.match(/"reqId":/g), l).toHaveLength(1);
    const requests = requestLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(requests.length).toBeGreaterThan(8);
    for (const r of requests) {
      expect(Object.keys(r).sort()).toEqual(expect.arrayContaining(["reqId", "method", "path", "status", "durationMs"]));
      expect(r).not.toHaveProperty("req");
      expect(r).not.toHaveProperty("res");
    }
    expect(requests.find((r) => r.path === "/trpc/videos.create")).toMatchObject({ method: "POST", status: 200, userId: me.id });
    expect(requests.some((r) => r.path === "/s/:token" && r.status === 200)).toBe(true);
    expect(requests.some((r) => r.path === "/s/:token/download" && r.status === download.status)).toBe(true);
  }, 180_000);
});
