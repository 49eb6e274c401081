import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { VideoSpecSchema } from "@photoreel/contracts";
import { keys, type VideoJob } from "@photoreel/core";
import { draftSpec } from "@photoreel/api/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./harness";

const exec = promisify(execFile);
type Account = Awaited<ReturnType<TestStack["signUp"]>>;

let t: TestStack;
let alice: Account;
let bob: Account;
let mp4: Buffer;
let poster: Buffer;

/**
 * A finished video of `owner`'s, written as the worker leaves one (job READY, video and poster under the owner's
 * prefix). The render itself has its own tests; these are about the links.
 */
async function readyVideo(owner: Account, title = "Beach day", size = { width: 360, height: 640 }, body = mp4) {
  const videoId = randomUUID();
  const now = new Date().toISOString();
  const output = { videoKey: keys.video(owner.user.sub, videoId), posterKey: keys.poster(owner.user.sub, videoId), bytes: body.length, durationSeconds: 2, ...size };
  await t.app.adapters.blobs.put(output.videoKey, body, "video/mp4");
  await t.app.adapters.blobs.put(output.posterKey, poster, "image/jpeg");
  const job: VideoJob = {
    ownerId: owner.user.sub, videoId, kind: "video", status: "READY", spec: VideoSpecSchema.parse(draftSpec([randomUUID()], { title })), attempt: 0,
    progress: 100, etaSeconds: null, error: null, output, createdAt: now, updatedAt: now, enqueuedAt: now, startedAt: now, finishedAt: now,
    heartbeatAt: null, renderSeconds: 1, cancelRequested: false, leaseId: null,
  };
  await t.app.adapters.jobs.create(job);
  return videoId;
}

const path = (url: string) => `${t.baseUrl}${new URL(url).pathname}`;
const metas = (html: string) =>
  Object.fromEntries([...html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));

beforeAll(async () => {
  t = await startTestStack();
  [alice, bob] = await Promise.all([t.signUp(), t.signUp()]);
  const file = join(mkdtempSync(join(tmpdir(), "share-")), "v.mp4");
  await exec("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=360x640:rate=24:duration=2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-movflags", "+faststart", file]);
  mp4 = readFileSync(file);
  poster = await sharp({ create: { width: 360, height: 640, channels: 3, background: "#2a9d8f" } }).jpeg().toBuffer();
}, 60_000);
afterAll(async () => t?.stop());

describe("share links: listed per video, revoked one by one, owner-scoped", () => {
  it("lists a video's links newest first, revokes one (410 page) and leaves the other working", async () => {
    const id = await readyVideo(alice);
    const first = await alice.caller.videos.share({ id, expiresInHours: 24 });
    const second = await alice.caller.videos.share({ id, expiresInHours: 168 });
    expect(first.url).toMatch(new RegExp(`^${t.app.config.PUBLIC_URL}/s/[\\w-]{32}$`));
    const listed = await alice.caller.videos.listShares({ id });
    expect(listed.map((l) => l.id)).toEqual([second.id, first.id]);
    expect(listed[0]).toEqual({ id: second.id, createdAt: second.createdAt, expiresAt: second.expiresAt, expired: false });
    expect(JSON.stringify(listed)).not.toContain(new URL(first.url).pathname.slice(3));

    expect(await alice.caller.videos.revokeShare({ shareId: first.id })).toEqual({ id: first.id });
    expect((await alice.caller.videos.listShares({ id })).map((l) => l.id)).toEqual([second.id]);
    const revoked = await fetch(path(first.url));
    expect(revoked.status).toBe(410);
    expect(await revoked.text()).toMatch(/This link was turned off[\s\S]*The person who shared this video turned the link off/);
    for (const media of ["video.mp4", "poster.jpg", "download"]) expect((await fetch(`${path(first.url)}/${media}`)).status).toBe(410);
    expect((await fetch(path(second.url))).status).toBe(200);
    // Revoking twice: there is no live link with that id any more.
    await expect(alice.caller.videos.revokeShare({ shareId: first.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers NOT_FOUND to another user for listing and revoking, and the link keeps working", async () => {
    const id = await readyVideo(alice);
    const link = await alice.caller.videos.share({ id, expiresInHours: 1 });
    await expect(bob.caller.videos.listShares({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(bob.caller.videos.revokeShare({ shareId: link.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(bob.caller.videos.share({ id, expiresInHours: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await alice.caller.videos.listShares({ id })).map((l) => l.id)).toEqual([link.id]);
    expect((await fetch(path(link.url))).status).toBe(200);
  });

  it("marks expired links in the list; an expired link answers a 410 page that says so", async () => {
    const id = await readyVideo(alice);
    const link = await alice.caller.videos.share({ id, expiresInHours: 1 });
    await t.app.db.updateTable("video_shares").set({ expires_at: new Date(Date.now() - 1000) }).where("id", "=", link.id).execute();
    expect((await alice.caller.videos.listShares({ id }))[0]).toMatchObject({ id: link.id, expired: true });
    const res = await fetch(path(link.url));
    expect(res.status).toBe(410);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<h1 id="h">This link has expired<\/h1>[\s\S]*ask for a new one/);
  });

  it("an unknown link answers a styled 404 page; deleting the video deletes its links", async () => {
    const unknown = await fetch(`${t.baseUrl}/s/${"A".repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/<style>[\s\S]*<h1 id="h">No video at this link<\/h1>/);
    const id = await readyVideo(alice);
    const link = await alice.caller.videos.share({ id, expiresInHours: 1 });
    await alice.caller.videos.delete({ id });
    expect((await fetch(path(link.url))).status).toBe(404);
    expect(await t.app.db.selectFrom("video_shares").select("id").where("video_id", "=", id).execute()).toEqual([]);
  });
});

describe("the share page and its media never reveal the owner", () => {
  it("serves a page with the player, title, download, expiry and Open Graph / Twitter tags", async () => {
    const id = await readyVideo(alice, "Beach <day> & \"night\"");
    const link = await alice.caller.videos.share({ id, expiresInHours: 24 });
    const res = await fetch(path(link.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    // Served under the app's CSP: no script at all, the video and poster from this origin.
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'.*media-src 'self'/);
    const html = await res.text();
    const base = link.url;
    expect(metas(html)).toMatchObject({
      "og:type": "video.other",
      "og:title": "Beach &#60;day&#62; &#38; &#34;night&#34;",
      "og:url": base,
      "og:image": `${base}/poster.jpg`,
      "og:image:width": "360",
      "og:image:height": "640",
      "og:video": `${base}/video.mp4`,
      "og:video:type": "video/mp4",
      "og:video:width": "360",
      "og:video:height": "640",
      "twitter:card": "summary_large_image",
      "twitter:image": `${base}/poster.jpg`,
      robots: "noindex",
    });
    expect(html).toContain("<h1 id=\"h\">Beach &#60;day&#62; &#38; &#34;night&#34;</h1>");
    expect(html).toContain(`poster="${new URL(base).pathname}/poster.jpg"`);
    expect(html).toContain(`<source src="${new URL(base).pathname}/video.mp4" type="video/mp4">`);
    expect(html).toMatch(new RegExp(`<time datetime="${link.expiresAt}" data-local>\\d+ \\w+ \\d{4}, \\d\\d:\\d\\d UTC</time>`));
    expect(html).toMatch(/href="[^"]+\/download" download="Beach day night.mp4">Download video/);
    // One script, from this origin (what script-src 'self' allows): it shows the expiry in the visitor's time zone.
    expect([...html.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/share-page.js" defer>']);
    const script = await fetch(`${t.baseUrl}/share-page.js`);
    expect(script.headers.get("content-type")).toMatch(/text\/javascript/);
    expect(await script.text()).toContain("time[data-local]");
    expect(html).not.toContain(alice.user.sub);
  });

  it("streams the video (whole, and by byte range for seeking), the poster and the download without the owner's id", async () => {
    const id = await readyVideo(alice);
    const link = path((await alice.caller.videos.share({ id, expiresInHours: 1 })).url);
    const whole = await fetch(`${link}/video.mp4`, { redirect: "manual" });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer()).equals(mp4)).toBe(true);

    const part = await fetch(`${link}/video.mp4`, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${mp4.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(mp4.subarray(100, 200))).toBe(true);
    const tail = await fetch(`${link}/video.mp4`, { headers: { range: "bytes=-10" } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(mp4.subarray(-10))).toBe(true);
    expect((await fetch(`${link}/video.mp4`, { headers: { range: `bytes=${mp4.length}-` } })).status).toBe(416);

    const img = await fetch(`${link}/poster.jpg`);
    expect(img.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await img.arrayBuffer()).equals(poster)).toBe(true);

    const dl = await fetch(`${link}/download`, { redirect: "manual" });
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-disposition")).toBe('attachment; filename="Beach day.mp4"');
    expect(Buffer.from(await dl.arrayBuffer()).equals(mp4)).toBe(true);

    // Nothing a visitor receives names the owner: no redirect to an object key, no presigned URL, no user id.
    for (const r of [whole, part, img, dl]) {
      expect(r.headers.get("location")).toBeNull();
      expect(JSON.stringify([...r.headers])).not.toContain(alice.user.sub);
    }
  });

  it("answers a long open-ended range in pieces of at most 4 MiB (the API never holds a whole video)", async () => {
    const big = randomBytes(5 * 1024 * 1024 + 17);
    const id = await readyVideo(alice, "Big", { width: 360, height: 640 }, big);
    const link = path((await alice.caller.videos.share({ id, expiresInHours: 1 })).url);
    const first = await fetch(`${link}/video.mp4`, { headers: { range: "bytes=0-" } });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-${4 * 1024 * 1024 - 1}/${big.length}`);
    expect(Buffer.from(await first.arrayBuffer()).equals(big.subarray(0, 4 * 1024 * 1024))).toBe(true);
    const rest = await fetch(`${link}/video.mp4`, { headers: { range: `bytes=${4 * 1024 * 1024}-` } });
    expect(rest.headers.get("content-range")).toBe(`bytes ${4 * 1024 * 1024}-${big.length - 1}/${big.length}`);
    expect(Buffer.from(await rest.arrayBuffer()).equals(big.subarray(4 * 1024 * 1024))).toBe(true);
  });

  it("keeps only the token's hash", async () => {
    const id = await readyVideo(alice);
    const link = await alice.caller.videos.share({ id, expiresInHours: 1 });
    const rows = await t.app.db.selectFrom("video_shares").select("token_hash").where("video_id", "=", id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(new URL(link.url).pathname.slice(3));
  });
});
