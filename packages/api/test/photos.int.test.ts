import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, postForm, uploadPhotos, type TestStack } from "../src/testing";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ env: { QUOTA_PHOTOS: "40" } });
}, 60_000);
afterAll(async () => t?.stop());

const jpeg = (w: number, h: number, seed = 1) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: (seed * 40) % 255, g: 120, b: 200 } } }).jpeg().toBuffer();

async function objectsUnder(prefix: string) {
  const keys: string[] = [];
  for await (const o of t.app.adapters.blobs.list(prefix)) keys.push(o.key);
  return keys;
}

describe("photos: upload, process, manage", () => {
  it("uploads through the presigned form, processes, lists, captions and deletes", async () => {
    const { caller, user } = await t.signUp();
    const body = await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#3366cc" } })
      .withExif({ IFD0: { Make: "Canon", Model: "EOS R5" }, IFD2: { DateTimeOriginal: "2024:06:01 12:30:00" } })
      .jpeg()
      .toBuffer();
    const [id] = await uploadPhotos(t, caller, [{ name: "beach.jpg", type: "image/jpeg", body }]);

    const photo = await caller.photos.get({ id: id! });
    expect(photo).toMatchObject({ status: "ready", width: 1200, height: 800, cameraMake: "Canon", cameraModel: "EOS R5", bytes: body.length });
    expect(photo.takenAt).toBe("2024-06-01T12:30:00.000Z");
    const thumb = await fetch(photo.thumbnailUrl!);
    expect(thumb.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe("webp");
    expect(Math.max(meta.width!, meta.height!)).toBe(320);

    const list = await caller.photos.list({ sort: "taken", limit: 10 });
    expect(list.items.map((p) => p.id)).toEqual([id]);
    await caller.photos.updateCaption({ id: id!, caption: "Sunset" });
    expect((await caller.photos.get({ id: id! })).caption).toBe("Sunset");
    expect(await caller.photos.usage()).toMatchObject({ count: 1, bytes: body.length });

    expect(await objectsUnder(`users/${user.sub}/photos/${id}/`)).toHaveLength(3);
    await caller.photos.delete({ ids: [id!] });
    expect(await objectsUnder(`users/${user.sub}/`)).toEqual([]);
    await expect(caller.photos.get({ id: id! })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reports bad files per file in a batch and still accepts the rest", async () => {
    const { caller } = await t.signUp();
    const { results } = await caller.photos.createUploads({
      files: [
        { filename: "ok.jpg", contentType: "image/jpeg", bytes: 1000 },
        { filename: "doc.pdf", contentType: "application/pdf", bytes: 1000 },
        { filename: "huge.jpg", contentType: "image/jpeg", bytes: 60 * 1024 * 1024 },
        { filename: "empty.png", contentType: "image/png", bytes: 0 },
      ],
    });
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false]);
    expect(results[1]).toMatchObject({ reason: expect.stringContaining("doc.pdf") });
    expect(results[2]).toMatchObject({ reason: expect.stringMatching(/limit is 50\.0 MB/) });
  });

  it("never trusts the declared type: a text file named .jpg is rejected and deleted at completion", async () => {
    const { caller, user } = await t.signUp();
    const body = Buffer.from("hello, I am not a photo at all\n".repeat(20));
    const { results } = await caller.photos.createUploads({ files: [{ filename: "fake.jpg", contentType: "image/jpeg", bytes: body.length }] });
    const r = results[0]!;
    if (!r.ok) throw new Error("refused");
    expect((await postForm(r.upload, body, "fake.jpg", "image/jpeg")).status).toBeLessThan(300);
    const done = await caller.photos.completeUpload({ id: r.photoId });
    expect(done).toMatchObject({ status: "rejected", rejectReason: expect.stringMatching(/not a photo/) });
    expect(await objectsUnder(`users/${user.sub}/`)).toEqual([]);
  });

  it("reports a duplicate upload as a duplicate of the existing photo", async () => {
    const { caller } = await t.signUp();
    const body = await jpeg(640, 480, 7);
    const [first] = await uploadPhotos(t, caller, [{ name: "a.jpg", type: "image/jpeg", body }]);
    const [second] = await uploadPhotos(t, caller, [{ name: "a-again.jpg", type: "image/jpeg", body }]);
    expect(await caller.photos.get({ id: second! })).toMatchObject({ status: "rejected", duplicateOf: first, rejectReason: expect.stringMatching(/already uploaded/) });
  });

  it("processing the same object twice changes nothing", async () => {
    const { caller, user } = await t.signUp();
    const [id] = await uploadPhotos(t, caller, [{ name: "x.jpg", type: "image/jpeg", body: await jpeg(300, 200, 3) }]);
    const before = await caller.photos.get({ id: id! });
    t.app.localProcessing!.photoUploaded(user.sub, id!);
    await t.app.localProcessing!.idle();
    const after = await caller.photos.get({ id: id! });
    expect({ ...after, thumbnailUrl: null, previewUrl: null }).toEqual({ ...before, thumbnailUrl: null, previewUrl: null });
  });

  it("pages with a cursor in both sort orders", async () => {
    const { caller } = await t.signUp();
    const bodies = await Promise.all([1, 2, 3, 4, 5].map((s) => jpeg(100 + s, 100, s)));
    await uploadPhotos(t, caller, bodies.map((body, i) => ({ name: `p${i}.jpg`, type: "image/jpeg", body })));
    for (const sort of ["uploaded", "taken"] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof caller.photos.list>> = await caller.photos.list({ sort, limit: 2, cursor });
        seen.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(5);
    }
  });

  it("enforces the photo quota at createUploads", async () => {
    const { caller } = await t.signUp();
    const files = Array.from({ length: 41 }, (_, i) => ({ filename: `${i}.jpg`, contentType: "image/jpeg", bytes: 10 }));
    await expect(caller.photos.createUploads({ files })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/limit of 40 photos/) });
  });
});

describe("photos: tenant isolation", () => {
  it("answers NOT_FOUND to every photos procedure called with another user's ids, and changes nothing", async () => {
    const alice = await t.signUp();
    const bob = await t.signUp();
    const [id] = await uploadPhotos(t, alice.caller, [{ name: "mine.jpg", type: "image/jpeg", body: await jpeg(200, 200, 9) }]);
    const before = await alice.caller.photos.get({ id: id! });
    const b = bob.caller.photos;
    const attempts: [string, () => Promise<unknown>][] = [
      ["get", () => b.get({ id: id! })],
      ["updateCaption", () => b.updateCaption({ id: id!, caption: "pwned" })],
      ["setFocalPoint", () => b.setFocalPoint({ id: id!, x: 0.1, y: 0.1 })],
      ["delete", () => b.delete({ ids: [id!] })],
      ["completeUpload", () => b.completeUpload({ id: id! })],
      ["presignParts", () => b.presignParts({ id: id!, partNumbers: [1] })],
      ["completeMultipart", () => b.completeMultipart({ id: id! })],
      ["abortMultipart", () => b.abortMultipart({ id: id! })],
    ];
    for (const [name, call] of attempts) {
      await expect(call(), name).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await b.list({ limit: 50 })).items).toEqual([]);
    const after = await alice.caller.photos.get({ id: id! });
    expect({ ...after, thumbnailUrl: null, previewUrl: null }).toEqual({ ...before, thumbnailUrl: null, previewUrl: null });
    expect(await objectsUnder(`users/${alice.user.sub}/photos/${id}/`)).toHaveLength(3);
  });
});

describe("account deletion", () => {
  it("removes every object, row, job and share link of the account, and nobody else's", async () => {
    const alice = await t.signUp();
    const bob = await t.signUp();
    await uploadPhotos(t, alice.caller, [{ name: "a.jpg", type: "image/jpeg", body: await jpeg(120, 90, 4) }]);
    const [bobs] = await uploadPhotos(t, bob.caller, [{ name: "b.jpg", type: "image/jpeg", body: await jpeg(120, 90, 5) }]);
    expect(await objectsUnder(`users/${alice.user.sub}/`)).toHaveLength(3);
    const { shares } = t.app.adapters;
    const week = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    await shares.insert("share-of-alice", { ownerId: alice.user.sub, videoId: crypto.randomUUID(), expiresAt: week });
    await shares.insert("share-of-bob", { ownerId: bob.user.sub, videoId: crypto.randomUUID(), expiresAt: week });
    await alice.caller.auth.deleteAccount();
    expect(await shares.find("share-of-alice")).toBeNull();
    expect(await shares.find("share-of-bob")).toMatchObject({ ownerId: bob.user.sub });
    expect(await objectsUnder(`users/${alice.user.sub}/`)).toEqual([]);
    expect((await t.app.adapters.photos.usage(alice.user.sub)).count).toBe(0);
    await expect(t.app.adapters.identity.signIn(alice.email, alice.password)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await bob.caller.photos.get({ id: bobs! })).toMatchObject({ status: "ready" });
  });
});
