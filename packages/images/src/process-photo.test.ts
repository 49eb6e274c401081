import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PhotoRejectedError, processPhoto, sniffImageType } from "./index";
import { renderSizes } from "./process-photo";
import type { RenderStrategy } from "./process-photo";
import type { PhotoRejectionCode, ProcessOptions } from "./index";
import * as corpus from "./test-support/corpus";

const opts: ProcessOptions = { maxInputPixels: 100_000_000, timeoutSeconds: 20, maxBytes: 50_000_000 };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "photoreel-images-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejected(input: Buffer | string, code: PhotoRejectionCode, message: string | RegExp, o = opts) {
  const error = await processPhoto(input, o).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PhotoRejectedError);
  expect((error as PhotoRejectedError).code).toBe(code);
  if (typeof message === "string") expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
}

async function webpSize(buffer: Buffer) {
  const meta = await sharp(buffer).metadata();
  expect(meta.format).toBe("webp");
  return { width: meta.width, height: meta.height, channels: meta.channels, space: meta.space, depth: meta.depth };
}

describe("processPhoto on a hostile corpus (all generated here, run in this process)", () => {
  it("JPEG with EXIF orientation 6: display size swapped, portrait thumbnail and preview", async () => {
    const input = await corpus.realisticJpeg(2400, 1800).then((b) => sharp(b).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    const photo = await processPhoto(input, opts);
    expect(photo).toMatchObject({ format: "jpeg", width: 1800, height: 2400, orientation: 6 });
    expect(await webpSize(photo.thumbnail)).toMatchObject({ width: 240, height: 320 });
    expect(await webpSize(photo.preview)).toMatchObject({ width: 1200, height: 1600 });
  });

  it("JPEG with DateTimeOriginal, OffsetTimeOriginal, Make and Model", async () => {
    const input = await corpus
      .photo(640, 480)
      .jpeg()
      .withExif({
        IFD0: { Make: "  Canon  ", Model: "Canon EOS R5" },
        IFD2: { DateTimeOriginal: "2023:07:14 09:30:05", OffsetTimeOriginal: "+02:00" },
      })
      .toBuffer();
    const photo = await processPhoto(input, opts);
    expect(photo).toMatchObject({ cameraMake: "Canon", cameraModel: "Canon EOS R5", orientation: 1 });
    expect(photo.takenAt?.toISOString()).toBe("2023-07-14T07:30:05.000Z");
  });

  it("JPEG with DateTimeOriginal and no offset is read as UTC; a garbage date is ignored", async () => {
    const utc = await corpus.photo(64, 64).jpeg().withExif({ IFD2: { DateTimeOriginal: "2019:12:31 23:59:59" } }).toBuffer();
    expect((await processPhoto(utc, opts)).takenAt?.toISOString()).toBe("2019-12-31T23:59:59.000Z");
    const junk = await corpus.photo(64, 64).jpeg().withExif({ IFD2: { DateTimeOriginal: "0000:00:00 00:00:00" } }).toBuffer();
    expect((await processPhoto(junk, opts)).takenAt).toBeNull();
  });

  it("PNG read from a path whose name lies (.jpg); sha256 is of the original bytes", async () => {
    const input = await corpus.photo(800, 200).png().toBuffer();
    const path = join(dir, "holiday.jpg");
    await writeFile(path, input);
    const photo = await processPhoto(path, opts);
    expect(photo).toMatchObject({ format: "png", width: 800, height: 200, orientation: null, takenAt: null, cameraMake: null });
    const { createHash } = await import("node:crypto");
    expect(photo.sha256).toBe(createHash("sha256").update(input).digest("hex"));
    expect(await webpSize(photo.thumbnail)).toMatchObject({ width: 320, height: 80 });
    expect(await webpSize(photo.preview)).toMatchObject({ width: 800, height: 200 }); // never upscaled
  });

  it("16-bit PNG becomes 8-bit WebP", async () => {
    const input = await corpus.photo(500, 400).toColourspace("rgb16").png().toBuffer();
    expect((await sharp(input).metadata()).depth).toBe("ushort");
    const photo = await processPhoto(input, opts);
    expect(photo).toMatchObject({ format: "png", width: 500, height: 400 });
    expect(await webpSize(photo.preview)).toMatchObject({ depth: "uchar", width: 500 });
  });

  it("WebP", async () => {
    const photo = await processPhoto(await corpus.photo(2000, 1000).webp().toBuffer(), opts);
    expect(photo).toMatchObject({ format: "webp", width: 2000, height: 1000 });
    expect(await webpSize(photo.preview)).toMatchObject({ width: 1600, height: 800 });
  });

  it("CMYK JPEG is converted to sRGB", async () => {
    const input = await corpus.photo(300, 200, [200, 30, 30]).toColourspace("cmyk").jpeg().toBuffer();
    expect((await sharp(input).metadata()).space).toBe("cmyk");
    const photo = await processPhoto(input, opts);
    expect(await webpSize(photo.thumbnail)).toMatchObject({ space: "srgb", channels: 3 });
    const { dominant } = await sharp(photo.thumbnail).stats();
    expect(dominant.r).toBeGreaterThan(150);
    expect(dominant.g).toBeLessThan(100);
  });

  it("animated GIF: the first frame only", async () => {
    const frames = await Promise.all(
      ([[255, 0, 0], [0, 255, 0], [0, 0, 255]] as const).map((rgb) => corpus.photo(90, 60, [...rgb]).png().toBuffer()),
    );
    const input = await sharp(frames, { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(input).metadata()).pages).toBe(3);
    const photo = await processPhoto(input, opts);
    expect(photo).toMatchObject({ format: "gif", width: 90, height: 60 });
    expect(await webpSize(photo.thumbnail)).toMatchObject({ width: 90, height: 60 });
    const { dominant } = await sharp(photo.thumbnail).stats();
    expect(dominant).toMatchObject({ r: expect.toSatisfy((r: number) => r > 200), g: expect.toSatisfy((g: number) => g < 50) });
  });

  it("truncated JPEG is rejected as damaged", async () => {
    const whole = await corpus.realisticJpeg(800, 600);
    await rejected(
      whole.subarray(0, Math.floor(whole.length * 0.6)),
      "DAMAGED",
      "This photo is damaged or incomplete and can't be read. Upload the original file again.",
    );
  });

  it("0 bytes, as a buffer and as a file", async () => {
    const message = "This file is empty (0 bytes). Choose the photo again.";
    await rejected(Buffer.alloc(0), "EMPTY", message);
    const path = join(dir, "empty.jpg");
    await writeFile(path, "");
    await rejected(path, "EMPTY", message);
  });

  it("text named .jpg", async () => {
    const path = join(dir, "photo.jpg");
    await writeFile(path, "Dear Sam,\nhere are the photos from the weekend.\n");
    await rejected(path, "NOT_A_PHOTO", "This file is not a photo (it looks like text). Upload a JPEG, PNG, WebP, HEIC, AVIF or GIF.");
  });

  it("decompression bomb: 20000x20000 PNG of ~50 KB is rejected by the pixel limit quickly, without allocating", async () => {
    const bomb = corpus.pngBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100_000);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await rejected(
      bomb,
      "TOO_MANY_PIXELS",
      "This photo is too large to process (400 megapixels; the limit is 100). Resize it and upload again.",
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100_000_000); // the pixels would be 50 MB+ even at 1 bit
  });

  it("a bomb allowed by the pixel limit is stopped by sharp's timeout", async () => {
    // 8.1 GP of 1-bit PNG (~1 MB) with the pixel limit raised. A 0.9 GP one decoded in under a second on a quiet
    // machine and so never hit the 1-s timeout; this one takes several seconds on any machine we run on.
    const big = corpus.pngBomb(90_000, 90_000);
    const started = performance.now();
    await rejected(big, "TIMEOUT", /took too long to process/, { ...opts, maxInputPixels: 10_000_000_000, timeoutSeconds: 1 });
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 30_000);

  it("huge EXIF blocks: 60 KB of description plus 60 KB of XMP junk; camera fields still read", async () => {
    const plain = await corpus.photo(640, 480).jpeg().toBuffer();
    const xmp = Buffer.concat([Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), Buffer.alloc(60_000, "<x>junk</x>")]);
    const input = corpus.withAppSegment(
      corpus.withAppSegment(plain, 0xe1, xmp),
      0xe1,
      corpus.exifBlock({ make: "NIKON CORPORATION", model: "NIKON Z 6" }, 60_000),
    );
    const photo = await processPhoto(input, opts);
    expect(photo).toMatchObject({ width: 640, height: 480, cameraMake: "NIKON CORPORATION", cameraModel: "NIKON Z 6" });
  });

  it("hostile EXIF (5,400 entries each claiming 64 KB) is read in bounded time", async () => {
    const input = corpus.withAppSegment(await corpus.photo(640, 480).jpeg().toBuffer(), 0xe1, corpus.hostileExifBlock());
    const started = performance.now();
    const photo = await processPhoto(input, opts);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(photo).toMatchObject({ width: 640, cameraMake: null, cameraModel: null, takenAt: null });
  });

  it("random bytes behind a JPEG header", async () => {
    await rejected(corpus.jpegHeaderThenRandom(20_000), "DAMAGED", /damaged or incomplete/);
  });

  it("AVIF (an HEIF profile sharp decodes) is accepted as heif", async () => {
    const input = await corpus.photo(400, 300).heif({ compression: "av1", quality: 50 }).toBuffer();
    expect(sniffImageType(input)).toBe("image/avif");
    expect(await processPhoto(input, opts)).toMatchObject({ format: "heif", width: 400, height: 300 });
  });

  it("a 1x1 image is accepted (no minimum size: nothing unsafe about it, the renderer letterboxes)", async () => {
    const photo = await processPhoto(await corpus.photo(1, 1).png().toBuffer(), opts);
    expect(photo).toMatchObject({ width: 1, height: 1 });
    expect(await webpSize(photo.thumbnail)).toMatchObject({ width: 1, height: 1 });
  });

  it("a 20000x3 panorama keeps at least one pixel row", async () => {
    const photo = await processPhoto(await corpus.photo(20_000, 3).png().toBuffer(), opts);
    expect(await webpSize(photo.thumbnail)).toMatchObject({ width: 320, height: 1 });
  });

  it("SVG and HTML are rejected as not supported, and never reach libvips", async () => {
    const svg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><rect/></svg>');
    await rejected(svg, "NOT_A_PHOTO", "This file is not a photo (it looks like an SVG drawing). Upload a JPEG, PNG, WebP, HEIC, AVIF or GIF.");
    const html = Buffer.from("<!DOCTYPE html><html><body><img src=x></body></html>");
    await rejected(html, "NOT_A_PHOTO", "This file is not a photo (it looks like a web page). Upload a JPEG, PNG, WebP, HEIC, AVIF or GIF.");
  });

  it("a file over maxBytes is rejected before decoding, from a buffer and from a path", async () => {
    const input = await corpus.realisticJpeg(800, 600);
    const small = { ...opts, maxBytes: 100_000 };
    const message = /^This file is too large \(0\.[2-9] MB; the limit is 0\.1 MB\)\. Export the photo at a smaller size/;
    await rejected(input, "FILE_TOO_LARGE", message, small);
    const path = join(dir, "big.png");
    await writeFile(path, input);
    await rejected(path, "FILE_TOO_LARGE", message, small);
  });

  it("infrastructure errors propagate: a missing path is not the user's fault", async () => {
    await expect(processPhoto(join(dir, "missing.jpg"), opts)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("render strategies (raw is the default; bench/thumbnail compares their speed)", () => {
  const inputs: [string, () => Promise<Buffer>][] = [
    ["CMYK JPEG", () => corpus.photo(900, 600, [30, 160, 220]).toColourspace("cmyk").jpeg().toBuffer()],
    ["Display P3 JPEG", () => corpus.photo(900, 600, [230, 60, 40]).withIccProfile("p3").jpeg().toBuffer()],
    ["16-bit PNG", () => corpus.photo(900, 600, [90, 200, 90]).toColourspace("rgb16").png().toBuffer()],
    [
      "PNG with alpha",
      () => sharp({ create: { width: 900, height: 600, channels: 4, background: { r: 10, g: 20, b: 250, alpha: 0.5 } } }).png().toBuffer(),
    ],
    ["grayscale PNG", () => corpus.photo(900, 600, [128, 128, 128]).toColourspace("b-w").png().toBuffer()],
    ["orientation 8 JPEG", () => corpus.photo(900, 600).jpeg().withMetadata({ orientation: 8 }).toBuffer()],
  ];
  it.each(inputs)("%s: raw, cascade and clone give the same sizes and colours", async (_name, make) => {
    const input = await make();
    const results = await Promise.all(
      (["raw", "cascade", "clone"] as RenderStrategy[]).map(async (strategy) => {
        const { preview, thumbnail } = await renderSizes(() => sharp(input, { failOn: "error", pages: 1 }), 10, strategy);
        const stats = await sharp(thumbnail).stats();
        return {
          preview: await webpSize(preview),
          thumbnail: await webpSize(thumbnail),
          means: stats.channels.map((c) => c.mean),
        };
      }),
    );
    const [raw, ...others] = results;
    for (const other of others) {
      expect(other.preview).toEqual(raw?.preview);
      expect(other.thumbnail).toEqual(raw?.thumbnail);
      other.means.forEach((mean, i) => expect(Math.abs(mean - (raw?.means[i] ?? -99))).toBeLessThan(4));
    }
  });
});
