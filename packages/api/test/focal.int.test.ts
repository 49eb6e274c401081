import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, draftSpec, uploadPhotos, type TestStack } from "../src/testing";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

/** A portrait on a plain grey-blue background with a detailed red-and-yellow target near its top-right. */
const portraitWithSubject = () => {
  const rings = Array.from({ length: 8 }, (_, i) => `<circle cx="450" cy="160" r="${90 - i * 11}" fill="${i % 2 ? "#f2d03a" : "#d3223a"}"/>`).join("");
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#8aa0b4"/>${rings}</svg>`))
    .jpeg()
    .toBuffer();
};

describe("focal points", () => {
  it("detects the subject when the photo is processed and shows it on the photo's view", async () => {
    const { caller } = await t.signUp();
    const [id] = await uploadPhotos(t, caller, [{ name: "target.jpg", type: "image/jpeg", body: await portraitWithSubject() }]);
    const photo = await caller.photos.get({ id: id! });
    expect(photo.focal).not.toBeNull();
    expect(Math.hypot(photo.focal!.x - 450 / 600, photo.focal!.y - 160 / 800)).toBeLessThan(0.1);
  });

  it("lets the owner move it, keeps it, and refuses points outside the photo with a message naming the field", async () => {
    const { caller } = await t.signUp();
    const [id] = await uploadPhotos(t, caller, [{ name: "target.jpg", type: "image/jpeg", body: await portraitWithSubject() }]);
    const moved = await caller.photos.setFocalPoint({ id: id!, x: 0.25, y: 0.8 });
    expect(moved.focal).toEqual({ x: 0.25, y: 0.8 });
    expect((await caller.photos.get({ id: id! })).focal).toEqual({ x: 0.25, y: 0.8 });
    expect((await caller.photos.list({ limit: 10 })).items[0]!.focal).toEqual({ x: 0.25, y: 0.8 });
    for (const bad of [{ x: 1.2, y: 0.5 }, { x: 0.5, y: -0.1 }, { x: Number.NaN, y: 0.5 }]) {
      await expect(caller.photos.setFocalPoint({ id: id!, ...bad })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(caller.photos.setFocalPoint({ id: id!, x: 2, y: 0.5 })).rejects.toThrow(/between 0 and 1/);
    expect((await caller.photos.get({ id: id! })).focal).toEqual({ x: 0.25, y: 0.8 });
  });

  it("refuses a point for a photo still uploading, saying to wait, so the detector cannot overwrite it", async () => {
    const { caller } = await t.signUp();
    const { results } = await caller.photos.createUploads({ files: [{ filename: "later.jpg", contentType: "image/jpeg", bytes: 1000 }] });
    const r = results[0]!;
    if (!r.ok) throw new Error(r.reason);
    await expect(caller.photos.setFocalPoint({ id: r.photoId, x: 0.2, y: 0.2 })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/finished processing/) });
    expect((await caller.photos.get({ id: r.photoId })).focal).toBeNull();
  });

  it("answers NOT_FOUND for another user's photo (or no photo) and leaves the owner's point alone", async () => {
    const alice = await t.signUp();
    const bob = await t.signUp();
    const [id] = await uploadPhotos(t, alice.caller, [{ name: "mine.jpg", type: "image/jpeg", body: await portraitWithSubject() }]);
    await alice.caller.photos.setFocalPoint({ id: id!, x: 0.1, y: 0.2 });
    await expect(bob.caller.photos.setFocalPoint({ id: id!, x: 0.9, y: 0.9 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(bob.caller.photos.setFocalPoint({ id: crypto.randomUUID(), x: 0.9, y: 0.9 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await alice.caller.photos.get({ id: id! })).focal).toEqual({ x: 0.1, y: 0.2 });
  });

  it("stamps each slide of a new video with its photo's point at create time, whatever the client sent", async () => {
    const { caller } = await t.signUp();
    const [a, b] = await uploadPhotos(t, caller, [
      { name: "a.jpg", type: "image/jpeg", body: await portraitWithSubject() },
      { name: "b.jpg", type: "image/jpeg", body: await sharp({ create: { width: 400, height: 300, channels: 3, background: "#446688" } }).jpeg().toBuffer() },
    ]);
    await caller.photos.setFocalPoint({ id: a!, x: 0.3, y: 0.2 });
    const bFocal = (await caller.photos.get({ id: b! })).focal;
    const spec = draftSpec([a!, b!]);
    spec.slides[0] = { ...spec.slides[0]!, focal: { x: 0.9, y: 0.9 } };
    const v = await caller.videos.create(spec);
    const stored = await caller.videos.spec({ id: v.id });
    expect(stored.slides[0]!.focal).toEqual({ x: 0.3, y: 0.2 });
    expect(stored.slides[1]!.focal).toEqual(bFocal ?? undefined);
    // Moving the point later changes new videos, not this one: its render stays reproducible.
    await caller.photos.setFocalPoint({ id: a!, x: 0.7, y: 0.7 });
    expect((await caller.videos.spec({ id: v.id })).slides[0]!.focal).toEqual({ x: 0.3, y: 0.2 });
  });
});
