import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { keys } from "@photoreel/core";
import { startTestStack, uploadPhotos, type TestStack } from "../src/testing";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ env: { ADMIN_EMAILS: "ops@example.com" } });
}, 60_000);
afterAll(async () => t?.stop());

const PART = 8 * 1024 * 1024;

describe("multipart upload", () => {
  it("uploads in parts with presigned URLs, resumes re-sending only the missing part, and processes", async () => {
    const { caller } = await t.signUp();
    // A real JPEG padded to just over two parts: trailing bytes after EOI are ignored by decoders.
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#2a9d8f" } }).jpeg().toBuffer();
    const body = Buffer.concat([jpeg, Buffer.alloc(2 * PART + 1000 - jpeg.length, 0)]);
    const mp = await caller.photos.createMultipart({ filename: "big.jpg", contentType: "image/jpeg", bytes: body.length });
    expect(mp.partCount).toBe(3);
    const put = async (n: number) => {
      const { parts } = await caller.photos.presignParts({ id: mp.photoId, partNumbers: [n] });
      const res = await fetch(parts[0]!.url, { method: "PUT", body: body.subarray((n - 1) * PART, n * PART) });
      expect(res.status).toBe(200);
      expect(res.headers.get("etag")).toBeTruthy();
    };
    await put(1);
    await put(3);
    // "Network drop": completing now must refuse and say what is missing.
    await expect(caller.photos.completeMultipart({ id: mp.photoId })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/2 of 3 parts/) });
    // Resume: the server says which parts it already has; only part 2 is sent again.
    const resume = await caller.photos.presignParts({ id: mp.photoId, partNumbers: [1, 2, 3] });
    expect(resume.uploaded.map((p) => p.partNumber).sort()).toEqual([1, 3]);
    await put(2);
    const done = await caller.photos.completeMultipart({ id: mp.photoId });
    expect(done.status).toBe("processing");
    await t.app.localProcessing!.idle();
    expect(await caller.photos.get({ id: mp.photoId })).toMatchObject({ status: "ready", width: 800, bytes: body.length });
  });

  it("abort removes the upload and the row", async () => {
    const { caller } = await t.signUp();
    const mp = await caller.photos.createMultipart({ filename: "x.jpg", contentType: "image/jpeg", bytes: PART + 5 });
    await caller.photos.abortMultipart({ id: mp.photoId });
    await expect(caller.photos.get({ id: mp.photoId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("admin", () => {
  it("is FORBIDDEN to normal users and works for the admin group", async () => {
    const normal = await t.signUp();
    await expect(normal.caller.admin.queues()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const ops = await t.signUp("ops@example.com");
    expect(ops.user.groups).toContain("admin");
    expect(await ops.caller.auth.me()).toMatchObject({ isAdmin: true });
    const q = await ops.caller.admin.queues();
    expect(q.render).toMatchObject({ visible: expect.any(Number), inFlight: expect.any(Number) });
    const users = await ops.caller.admin.users({ limit: 50 });
    expect(users.items.map((u) => u.email)).toContain(normal.email);
    expect(await ops.caller.admin.renderStats()).toMatchObject({ count: expect.any(Number) });
    expect((await ops.caller.admin.jobs({ status: "FAILED", limit: 10 })).items).toEqual([]);
    expect(await ops.caller.admin.redriveDlq()).toEqual({ moved: 0, dropped: 0 });
  });
});

describe("orphan sweeper", () => {
  it("reports and cleans objects without rows and rows without objects, and leaves good photos alone", async () => {
    const { caller, user } = await t.signUp();
    const bodies = await Promise.all(["#111111", "#eeeeee", "#777777"].map((c) => sharp({ create: { width: 64, height: 64, channels: 3, background: c } }).jpeg().toBuffer()));
    const [good, lost, legacy] = await uploadPhotos(t, caller, bodies.map((body, i) => ({ name: `${i}.jpg`, type: "image/jpeg", body })));
    const blobs = t.app.adapters.blobs;
    // A photo from before upload pinning: its original, no checked copy. Not lost, so never swept.
    await blobs.put(keys.photoOriginal(user.sub, legacy!), bodies[2]!, "image/jpeg");
    await blobs.delete([keys.photoChecked(user.sub, legacy!)]);
    const strayKey = keys.photoOriginal(user.sub, "01234567-89ab-7def-8123-456789abcdef");
    await blobs.put(strayKey, Buffer.from("stray"), "image/jpeg");
    await blobs.delete([keys.photoChecked(user.sub, lost!)]);
    const { results } = await caller.photos.createUploads({ files: [{ filename: "never.jpg", contentType: "image/jpeg", bytes: 100 }] });
    const never = results[0]!.ok ? results[0]!.photoId : "";
    // "Older than 0 ms" needs the clock past the newest row's timestamp, which timestamptz(3) rounds to the nearest ms:
    // on a fast machine the sweep could start in the same millisecond as the last insert.
    await new Promise((resolve) => setTimeout(resolve, 10));

    const report = await t.app.services.admin.sweepOrphans(true, 0);
    expect(report.objectsWithoutRows).toContain(strayKey);
    expect(report.rowsWithoutObjects).toEqual(expect.arrayContaining([`photo:${user.sub}/${lost}`, `photo:${user.sub}/${never}`]));
    expect(report.rowsWithoutObjects.join()).not.toContain(good!);
    expect(report.rowsWithoutObjects.join()).not.toContain(legacy!);
    expect(await blobs.head(strayKey)).not.toBeNull(); // dry run changed nothing

    await t.app.services.admin.sweepOrphans(false, 0);
    expect(await blobs.head(strayKey)).toBeNull();
    await expect(caller.photos.get({ id: lost! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.photos.get({ id: never })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await caller.photos.get({ id: good! })).toMatchObject({ status: "ready" });
    expect(await caller.photos.get({ id: legacy! })).toMatchObject({ status: "ready" });
    expect(await blobs.head(keys.photoOriginal(user.sub, legacy!))).not.toBeNull();
    expect(await blobs.head(keys.photoThumb(user.sub, lost!))).toBeNull();
  });

  it("does not touch anything younger than a day by default", async () => {
    const { user } = await t.signUp();
    const strayKey = keys.photoOriginal(user.sub, "11234567-89ab-7def-8123-456789abcdef");
    await t.app.adapters.blobs.put(strayKey, Buffer.from("fresh"), "image/jpeg");
    const report = await t.app.services.admin.sweepOrphans(false);
    expect(report.objectsWithoutRows).not.toContain(strayKey);
    expect(await t.app.adapters.blobs.head(strayKey)).not.toBeNull();
  });
});
