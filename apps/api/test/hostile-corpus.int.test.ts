import { buildHeif, codedImage, gridData, heicLike, heifEnc, hostileExifBlock, jpegHeaderThenRandom, pngBomb, props, withAppSegment } from "@photoreel/images/testing";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./harness";
import { postForm } from "@photoreel/api/testing";

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.stop());

const solid = (w: number, h: number, c = "#4477aa") => sharp({ create: { width: w, height: h, channels: 3, background: c } });

/** HEIF built from a real x265 tile: a good one, and the shapes an attacker would send. */
async function hostileHeif() {
  const tile = codedImage(await heifEnc(await solid(64, 64).png().toBuffer()));
  const item = (id: number, ispe = props.ispe(64, 64), hidden = false) => ({ id, type: "hvc1", data: tile.data, hidden, props: [...tile.codingProps, ispe] });
  const good = buildHeif({ brands: ["heic", "mif1", "heic"], primary: 1, items: [item(1)] });
  const tiles = [10, 11, 12, 13].map((id) => item(id, props.ispe(10_000, 10_000), true));
  const bomb = buildHeif({
    brands: ["heic", "mif1", "heic"],
    primary: 1,
    items: [{ id: 1, type: "grid", data: gridData(2, 2, 20_000, 20_000), props: [props.ispe(20_000, 20_000)], refs: [{ type: "dimg" as const, to: [10, 11, 12, 13] }] }, ...tiles],
  });
  const noTiles = buildHeif({ brands: ["heic", "mif1"], primary: 1, items: [{ id: 1, type: "grid", data: gridData(1, 1, 64, 64), props: [props.ispe(64, 64)] }] });
  return [
    { name: "good.heic", type: "image/heic", body: good, status: "ready" as const },
    { name: "truncated.heic", type: "image/heic", body: good.subarray(0, good.length - Math.floor(tile.data.length / 2)), status: "rejected" as const, reason: /damaged or incomplete/ },
    { name: "grid-bomb.heic", type: "image/heic", body: bomb, status: "rejected" as const, reason: /400 megapixels; the limit is 100/ },
    { name: "no-tiles.heic", type: "image/heic", body: noTiles, status: "rejected" as const, reason: /damaged or incomplete/ },
    { name: "video-brand.heic", type: "image/heic", body: buildHeif({ brands: ["qt  ", "qt  "], primary: 1, items: [item(1)] }), status: "rejected" as const, reason: /not a photo/ },
  ];
}

/** Every file goes the whole way a browser upload goes: createUploads -> form POST -> completeUpload -> processing. */
it("a hostile corpus of uploads each ends in the right state with the right reason, and the server stays up", async () => {
  const jpeg = await solid(640, 480).jpeg().toBuffer();
  const cases: { name: string; type: string; body: Buffer; status: "ready" | "rejected"; reason?: RegExp }[] = [
    { name: "ok.jpg", type: "image/jpeg", body: jpeg, status: "ready" },
    { name: "rotated.jpg", type: "image/jpeg", body: await solid(600, 400).withMetadata({ orientation: 6 }).jpeg().toBuffer(), status: "ready" },
    { name: "deep.png", type: "image/png", body: await solid(300, 200).toColourspace("rgb16").png().toBuffer(), status: "ready" },
    { name: "cmyk.jpg", type: "image/jpeg", body: await solid(300, 200).toColourspace("cmyk").jpeg().toBuffer(), status: "ready" },
    { name: "anim.gif", type: "image/gif", body: await sharp({ create: { width: 64, height: 64 * 3, channels: 4, background: "#ff0000" } }).gif().toBuffer(), status: "ready" },
    { name: "huge-exif.jpg", type: "image/jpeg", body: withAppSegment(jpeg, 0xe1, hostileExifBlock()), status: "ready" },
    { name: "truncated.jpg", type: "image/jpeg", body: jpeg.subarray(0, Math.floor(jpeg.length / 2)), status: "rejected", reason: /damaged|incomplete/i },
    { name: "text.jpg", type: "image/jpeg", body: Buffer.from("just some text, not a photo\n".repeat(10)), status: "rejected", reason: /not a photo/i },
    { name: "bomb.png", type: "image/png", body: pngBomb(20000, 20000), status: "rejected", reason: /megapixels/i },
    { name: "noise.jpg", type: "image/jpeg", body: jpegHeaderThenRandom(4000), status: "rejected", reason: /damaged|can't be read|cannot be read/i },
    { name: "photo.avif", type: "image/avif", body: await solid(320, 240).avif({ quality: 50 }).toBuffer(), status: "ready" },
    ...(await hostileHeif()),
    { name: "not-hevc.heic", type: "image/heic", body: await heicLike(), status: "rejected", reason: /damaged or incomplete/ },
    { name: "drawing.jpg", type: "image/jpeg", body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'), status: "rejected", reason: /not a photo/i },
    { name: "page.png", type: "image/png", body: Buffer.from("<!doctype html><html><body>hi</body></html>"), status: "rejected", reason: /not a photo/i },
    { name: "one-pixel.png", type: "image/png", body: await solid(1, 1).png().toBuffer(), status: "ready" },
  ];
  const { caller } = await t.signUp();
  const { results } = await caller.photos.createUploads({ files: cases.map((c) => ({ filename: c.name, contentType: c.type, bytes: c.body.length })) });
  const ids: string[] = [];
  for (const [i, r] of results.entries()) {
    if (!r.ok) throw new Error(`${cases[i]!.name} refused at createUploads: ${r.reason}`);
    expect((await postForm(r.upload, cases[i]!.body, cases[i]!.name, cases[i]!.type)).status).toBeLessThan(300);
    await caller.photos.completeUpload({ id: r.photoId });
    ids.push(r.photoId);
  }
  await t.app.localProcessing!.idle();
  for (const [i, c] of cases.entries()) {
    const p = await caller.photos.get({ id: ids[i]! });
    expect({ name: c.name, status: p.status }).toEqual({ name: c.name, status: c.status });
    if (c.reason) expect(p.rejectReason, c.name).toMatch(c.reason);
  }
  expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
}, 120_000);
