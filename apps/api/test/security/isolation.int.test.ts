import { execFile } from "node:child_process";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../harness";
import { postForm, uploadPhotos } from "@photoreel/api/testing";
import { DESTRUCTIVE_PROCEDURES, PUBLIC_PROCEDURES, callProcedure, idLikeFields, listProcedures, mapLimit, sampleInputs, type ProcedureInfo, type SampleIds } from "./procedures";

const exec = promisify(execFile);
const ADMIN = "ops@example.com";
type Account = Awaited<ReturnType<TestStack["signUp"]>>;

let t: TestStack;
let alice: Account;
let bob: Account;
let admin: Account;
let aliceIds: SampleIds;
const all = listProcedures();
const isAdminPath = (p: string) => p.startsWith("admin.");

async function wav() {
  const { stdout } = await exec("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-f", "wav", "pipe:1"], { encoding: "buffer", maxBuffer: 8 << 20 });
  return stdout as unknown as Buffer;
}
const jpeg = (color: string) => sharp({ create: { width: 320, height: 240, channels: 3, background: color } }).jpeg().toBuffer();

/** Everything of Alice's the API can show or change, to compare before and after Bob's attempts. */
async function aliceState() {
  const c = alice.caller;
  const blobs: string[] = [];
  for await (const o of t.app.adapters.blobs.list(`users/${alice.user.sub}/`)) blobs.push(o.key);
  const job = await t.app.adapters.jobs.get(alice.user.sub, aliceIds.videoId);
  const strip = <T extends object>(o: T) => JSON.parse(JSON.stringify(o, (k, v) => (/Url$/.test(k) ? Boolean(v) : v))) as T;
  return {
    photos: strip(await c.photos.list({ limit: 100 })),
    photo: strip(await c.photos.get({ id: aliceIds.photoId })),
    multipart: strip(await c.photos.get({ id: aliceIds.multipartId })),
    audio: await c.audio.list(),
    video: strip(await c.videos.get({ id: aliceIds.videoId })),
    job: job && { status: job.status, attempt: job.attempt, cancelRequested: job.cancelRequested, updatedAt: job.updatedAt },
    usage: await c.photos.usage(),
    shares: await c.videos.listShares({ id: aliceIds.videoId }),
    blobs: blobs.sort(),
  };
}

beforeAll(async () => {
  t = await startTestStack({ env: { ADMIN_EMAILS: ADMIN } });
  [alice, bob, admin] = await Promise.all([t.signUp(), t.signUp(), t.signUp(ADMIN)]);

  const [photoId] = await uploadPhotos(t, alice.caller, [{ name: "alice.jpg", type: "image/jpeg", body: await jpeg("#cc3333") }]);
  const [bobsPhotoId] = await uploadPhotos(t, bob.caller, [{ name: "bob.jpg", type: "image/jpeg", body: await jpeg("#3333cc") }]);
  await alice.caller.photos.updateCaption({ id: photoId!, caption: "Alice's caption" });

  const song = await wav();
  const { audioId, upload } = await alice.caller.audio.createUpload({ filename: "song.wav", contentType: "audio/wav", bytes: song.length });
  expect((await postForm(upload, song, "song.wav", "audio/wav")).status).toBeLessThan(300);
  expect(await alice.caller.audio.completeUpload({ id: audioId })).toMatchObject({ status: "ready" });

  const mp = await alice.caller.photos.createMultipart({ filename: "big.jpg", contentType: "image/jpeg", bytes: 12 * 1024 * 1024 });
  const video = await alice.caller.videos.create({ slides: [{ photoId: photoId! }], secondsPerPhoto: 2, aspect: "1:1", resolution: "720p", fps: 24, quality: "draft", music: { audioId } });
  expect(video.status).toBe("QUEUED");
  // A share link of Alice's (her video is still queued, so straight into the table: only its owner may revoke it).
  const share = await t.app.db.insertInto("video_shares").values({ token_hash: "0".repeat(64), owner_id: alice.user.sub, video_id: video.id, expires_at: new Date(Date.now() + 3600_000) }).returning("id").executeTakeFirstOrThrow();
  aliceIds = { photoId: photoId!, otherPhotoId: bobsPhotoId!, multipartId: mp.photoId, audioId, videoId: video.id, ownerId: alice.user.sub, shareId: share.id };
}, 60_000);
afterAll(async () => t?.stop());

describe("tenant isolation (procedures generated from the router)", () => {
  const withIds = all.filter((p) => idLikeFields(p.input).length > 0);

  it("finds the id-carrying procedures, and each has an input built from Alice's real ids", () => {
    const table = sampleInputs(aliceIds);
    expect(withIds.map((p) => p.path)).toEqual(expect.arrayContaining(["photos.get", "photos.delete", "videos.create", "audio.delete", "admin.retryJob"]));
    expect(idLikeFields(all.find((p) => p.path === "videos.create")!.input)).toEqual(["music.audioId", "slides[].photoId"]);
    for (const p of withIds) {
      expect(table[p.path], `add ${p.path} (id fields: ${idLikeFields(p.input).join(", ")}) to sampleInputs`).toBeDefined();
      for (const input of table[p.path]!) expect(p.input!.safeParse(input).success, `${p.path} ${JSON.stringify(input)}`).toBe(true);
    }
  });

  it("Bob gets NOT_FOUND (admin procedures: FORBIDDEN) for every one of Alice's ids, and Alice's data is unchanged", async () => {
    const table = sampleInputs(aliceIds);
    const before = await aliceState();
    const calls = withIds.filter((p) => !PUBLIC_PROCEDURES.includes(p.path)).flatMap((p) => table[p.path]!.map((input) => ({ p, input })));
    expect(calls.length).toBeGreaterThanOrEqual(withIds.length);
    // one at a time: a leak in one call must not be hidden by a race with another
    const results = await mapLimit(calls, 1, ({ p, input }) => callProcedure(t.baseUrl, p, input, { token: bob.accessToken }));
    const got = calls.map(({ p, input }, i) => ({ path: p.path, input, code: results[i]!.code, status: results[i]!.status }));
    const expected = calls.map(({ p, input }) => ({ path: p.path, input, code: isAdminPath(p.path) ? "FORBIDDEN" : "NOT_FOUND", status: isAdminPath(p.path) ? 403 : 404 }));
    expect(got).toEqual(expected);
    expect(await aliceState()).toEqual(before);
    // Bob's own photo, named beside Alice's in a batch delete, is not deleted either (all or nothing)
    expect(await bob.caller.photos.get({ id: aliceIds.otherPhotoId })).toMatchObject({ status: "ready" });
  });

  it("Bob's lists never show Alice's things", async () => {
    const listing = async (path: string, input?: unknown) =>
      JSON.stringify((await callProcedure(t.baseUrl, { path, type: "query" }, input, { token: bob.accessToken })).data);
    const seen = [await listing("photos.list", { limit: 100 }), await listing("audio.list"), await listing("videos.list", { limit: 100 }), await listing("photos.usage")];
    for (const id of [aliceIds.photoId, aliceIds.multipartId, aliceIds.audioId, aliceIds.videoId]) expect(seen.join("\n")).not.toContain(id);
    expect(seen[0]).toContain(aliceIds.otherPhotoId); // the control: Bob sees his own photo
  });
});

describe("admin procedures (generated: every admin.* procedure)", () => {
  const adminProcs = all.filter((p) => isAdminPath(p.path));
  const adminInput = (p: ProcedureInfo) => (p.input ? sampleInputs(aliceIds)[p.path]?.[0] : undefined);

  it("are exactly the procedures that refuse a signed-in normal user with FORBIDDEN", async () => {
    const protectedOnes = all.filter((p) => !PUBLIC_PROCEDURES.includes(p.path) && !DESTRUCTIVE_PROCEDURES.includes(p.path));
    // A string input fails every schema, so nothing but the access check can succeed.
    const res = await mapLimit(protectedOnes, 6, (p) => callProcedure(t.baseUrl, p, p.input ? "probe" : undefined, { token: bob.accessToken }));
    const forbidden = protectedOnes.filter((_, i) => res[i]!.code === "FORBIDDEN").map((p) => p.path);
    expect(forbidden).toEqual(adminProcs.map((p) => p.path));
    expect(adminProcs.length).toBeGreaterThanOrEqual(6);
  });

  it("refuse a normal user with FORBIDDEN even with valid input", async () => {
    for (const p of adminProcs) {
      if (p.input) expect(adminInput(p), `add ${p.path} to sampleInputs`).toBeDefined();
      const r = await callProcedure(t.baseUrl, p, adminInput(p), { token: alice.accessToken });
      expect([p.path, r.status, r.code]).toEqual([p.path, 403, "FORBIDDEN"]);
    }
  });

  it("answer an admin (ADMIN_EMAILS) without FORBIDDEN and without a server error", async () => {
    for (const p of adminProcs) {
      const r = await callProcedure(t.baseUrl, p, adminInput(p), { token: admin.accessToken });
      expect([p.path, r.status < 500, r.code === "FORBIDDEN" || r.code === "UNAUTHORIZED"]).toEqual([p.path, true, false]);
    }
    // the admin's lists do see other tenants (that is their job), proving the token really was an admin's
    const users = await callProcedure(t.baseUrl, { path: "admin.users", type: "query" }, { limit: 100 }, { token: admin.accessToken });
    expect(JSON.stringify(users.data)).toContain(alice.user.sub);
  });
});
