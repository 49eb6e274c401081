import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { VideoSpecSchema, type VideoSpecInput } from "@photoreel/contracts";
import { captionLayout, planTimeline } from "@photoreel/timeline";
import { renderVideo, type RenderProfile } from "../src/index";
import { coverReference, frameAt, makePhoto, tempDir } from "./fixtures";

let root: string;
let cleanup: () => Promise<void>;
let photos: string[];
let seq = 0;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("captions-test-"));
  photos = await Promise.all([1, 2].map((seed) => makePhoto(path.join(root, `p${seed}.jpg`), { width: 640, height: 480, seed })));
});
afterAll(() => (process.env.KEEP_RENDERS ? undefined : cleanup()));

const profile: RenderProfile = { width: 320, height: 180, fps: 12, preset: "ultrafast", crf: 20 };
const frame = { width: 320, height: 180 };

async function renderSpec(over: Partial<VideoSpecInput>, captions: (string | undefined)[] = [undefined, undefined]) {
  const spec = VideoSpecSchema.parse({
    slides: captions.map((caption) => ({ photoId: crypto.randomUUID(), ...(caption === undefined ? {} : { caption }) })),
    transition: "none",
    secondsPerPhoto: 1,
    ...over,
  });
  const workDir = path.join(root, `job-${++seq}`);
  const out = await renderVideo({ spec, profile, photos, workDir });
  return { spec, out, workDir, plan: planTimeline(spec, profile) };
}

/** Luma (0-255) of a PNG as rows. */
async function luma(file: string): Promise<{ at: (x: number, y: number) => number; width: number; height: number }> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { at: (x, y) => data[y * info.width + x]!, width: info.width, height: info.height };
}

/** Mean absolute luma difference of two frames over rows [top, bottom). */
async function rowDiff(a: string, b: string, top: number, bottom: number): Promise<number> {
  const [la, lb] = await Promise.all([luma(a), luma(b)]);
  let sum = 0;
  for (let y = top; y < bottom; y++) for (let x = 0; x < la.width; x++) sum += Math.abs(la.at(x, y) - lb.at(x, y));
  return sum / ((bottom - top) * la.width);
}

/** Columns and rows holding text: pixels far brighter than anything the 55% band leaves of a photo. */
async function textBox(file: string, top: number, bottom: number) {
  const l = await luma(file);
  let minX = Infinity, maxX = -1, minY = Infinity, maxY = -1, count = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < l.width; x++) {
      if (l.at(x, y) < 170) continue;
      count++;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
  }
  return { minX, maxX, minY, maxY, count };
}

describe("lower-third captions", () => {
  it("draws a slide's caption on a band in the lower third, inside the frame, and leaves an uncaptioned slide alone", async () => {
    const caption = "Lunch by the sea שלום مرحبا 🎉";
    const { out, workDir, plan } = await renderSpec({}, [caption, undefined]);
    const layout = captionLayout(caption, frame)!;
    const [f0, f1] = await Promise.all([0, 1].map((i) => frameAt(out.videoPath, plan.slides[i]!.start + 6, path.join(workDir, `f${i}.png`))));
    const [r0, r1] = await Promise.all([0, 1].map((i) => coverReference(photos[i]!, 320, 180, path.join(workDir, `r${i}.png`))));
    const bandBottom = layout.bandTop + layout.bandHeight;

    // The band changes the photo where it is, and only there.
    expect(await rowDiff(f0!, r0!, layout.bandTop + 1, bandBottom - 1)).toBeGreaterThan(25);
    expect(await rowDiff(f0!, r0!, 0, layout.bandTop - 2)).toBeLessThan(6);
    expect(await rowDiff(f1!, r1!, layout.bandTop + 1, bandBottom - 1)).toBeLessThan(6);
    // The text is there, centred, and stays off the frame's edges.
    const box = await textBox(f0!, layout.bandTop, bandBottom);
    expect(box.count).toBeGreaterThan(50);
    expect(box.minX).toBeGreaterThan(4);
    expect(box.maxX).toBeLessThan(320 - 5);
    expect(Math.abs((box.minX + box.maxX) / 2 - 160)).toBeLessThan(20);
  });

  it("wraps a long caption of wide letters onto lines that all stay inside the frame", async () => {
    const caption = "WMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWMWM WWW MMM WWW MMM WWW MMM WWW MMM";
    const { out, workDir, plan } = await renderSpec({}, [caption, undefined]);
    const layout = captionLayout(caption, frame)!;
    expect(layout.lines.length).toBeGreaterThan(1);
    const f0 = await frameAt(out.videoPath, plan.slides[0]!.start + 6, path.join(workDir, "f0.png"));
    const box = await textBox(f0, layout.bandTop, layout.bandTop + layout.bandHeight);
    expect(box.minX).toBeGreaterThan(2);
    expect(box.maxX).toBeLessThan(320 - 3);
    // Text on more than one line: bright rows span more than one line's height.
    expect(box.maxY - box.minY).toBeGreaterThan(layout.lineHeight);
  });

  it("passes a caption full of filter syntax to FFmpeg only as a file: it renders, and the graph never holds the text", async () => {
    const hostile = ["'", ":", "\\", ";", "[out]", "%{pts}", "%{eif:1/0:d}", ",drawtext=text=X"].join(" x ");
    const { out, workDir } = await renderSpec({}, [hostile, undefined]);
    expect(out.bytes).toBeGreaterThan(1000);
    const graph = await readFile(path.join(workDir, "chunk-000.filtergraph"), "utf8");
    expect(graph).not.toContain("%{");
    expect(graph).toContain("expansion=none");
    const lines = await Promise.all((await readdir(workDir)).filter((f) => f.startsWith("caption-")).sort().map((f) => readFile(path.join(workDir, f), "utf8")));
    expect(lines.join(" ")).toBe(hostile);
  });

  it("draws no caption when the spec turns captions off, though slides have them", async () => {
    const { out, workDir, plan } = await renderSpec({ captions: false }, ["Lunch by the sea", undefined]);
    const f0 = await frameAt(out.videoPath, plan.slides[0]!.start + 6, path.join(workDir, "f0.png"));
    const r0 = await coverReference(photos[0]!, 320, 180, path.join(workDir, "r0.png"));
    expect(await rowDiff(f0, r0, 0, 180)).toBeLessThan(6);
  });
});

describe("title card styles", () => {
  const text = "Trip";
  it("draws the plain card white on black, the colour card on its colour and the photo card on the blurred first photo", async () => {
    const plain = await renderSpec({ titleCard: { text, seconds: 1 } });
    const colour = await renderSpec({ titleCard: { text, seconds: 1, style: "colour", colour: "#fde047" } });
    const photo = await renderSpec({ titleCard: { text, seconds: 1, style: "photo" } });
    const at = (r: Awaited<ReturnType<typeof renderSpec>>, name: string) => frameAt(r.out.videoPath, 6, path.join(r.workDir, name));
    const corner = async (file: string) => (await sharp(file).extract({ left: 0, top: 0, width: 40, height: 30 }).stats()).channels;

    const p = await corner(await at(plain, "title.png"));
    expect(p[0]!.mean).toBeLessThan(10);
    const c = await corner(await at(colour, "title.png"));
    // #fde047 (253, 224, 71), give or take yuv420p.
    expect(Math.abs(c[0]!.mean - 253)).toBeLessThan(12);
    expect(Math.abs(c[1]!.mean - 224)).toBeLessThan(12);
    expect(Math.abs(c[2]!.mean - 71)).toBeLessThan(12);
    // Dark text on the light colour.
    const ct = await luma(path.join(colour.workDir, "title.png"));
    let darkest = 255;
    for (let x = 100; x < 220; x++) darkest = Math.min(darkest, ct.at(x, 90));
    expect(darkest).toBeLessThan(80);

    const photoTitle = await at(photo, "title.png");
    const blurred = await sharp(photos[0]!).resize(320, 180, { fit: "cover" }).blur(12).modulate({ brightness: 0.9 }).png().toFile(path.join(photo.workDir, "blurred.png"));
    expect(blurred.width).toBe(320);
    const stats = await sharp(photoTitle).stats();
    // The photo, blurred and dimmed: close to a blurred copy (far closer than to the sharp slide), in colour.
    expect(stats.channels[0]!.mean).toBeGreaterThan(25);
    expect(Math.abs(stats.channels[0]!.mean - stats.channels[1]!.mean) + Math.abs(stats.channels[1]!.mean - stats.channels[2]!.mean)).toBeGreaterThan(10);
    const top = await rowDiff(photoTitle, path.join(photo.workDir, "blurred.png"), 0, 40);
    expect(top).toBeLessThan(40);
    const slide = await frameAt(photo.out.videoPath, photo.plan.titleFrames + 6, path.join(photo.workDir, "slide.png"));
    expect(await rowDiff(photoTitle, slide, 0, 40)).toBeGreaterThan(top + 5);
  });

  it("draws the photo card from the first photo under Ken Burns too", async () => {
    const kb = await renderSpec({ kenBurns: true, titleCard: { text, seconds: 1, style: "photo" } });
    const still = await renderSpec({ titleCard: { text, seconds: 1, style: "photo" } });
    const [a, b] = await Promise.all([kb, still].map((r, i) => frameAt(r.out.videoPath, 6, path.join(r.workDir, `title${i}.png`))));
    expect((await sharp(a!).stats()).channels[0]!.mean).toBeGreaterThan(25);
    expect(await rowDiff(a!, b!, 0, 40)).toBeLessThan(12);
  });

  it("adds a subtitle line under the title", async () => {
    const without = await renderSpec({ titleCard: { text, seconds: 1 } });
    const withSub = await renderSpec({ titleCard: { text, seconds: 1, subtitle: "3–9 March 2026" } });
    const boxes = await Promise.all(
      [without, withSub].map(async (r, i) => textBox(await frameAt(r.out.videoPath, 6, path.join(r.workDir, `t${i}.png`)), 0, 180)),
    );
    const below = await textBox(path.join(withSub.workDir, "t1.png"), boxes[0]!.maxY + 3, 180);
    expect(below.count).toBeGreaterThan(20);
    expect(boxes[1]!.maxX - boxes[1]!.minX).toBeGreaterThan(boxes[0]!.maxX - boxes[0]!.minX);
    expect(boxes[1]!.maxY).toBeLessThan(180);
  });
});

describe("captions over Ken Burns", () => {
  it("draws the caption still over the moving photo, the same as the still path draws it", async () => {
    const caption = "Lunch by the sea";
    const kb = await renderSpec({ kenBurns: true }, [caption, undefined]);
    const still = await renderSpec({}, [caption, undefined]);
    const layout = captionLayout(caption, frame)!;
    const band = [layout.bandTop, layout.bandTop + layout.bandHeight] as const;
    const [a, b] = await Promise.all([4, 8].map((k) => frameAt(kb.out.videoPath, kb.plan.slides[0]!.start + k, path.join(kb.workDir, `kb${k}.png`))));
    const s = await frameAt(still.out.videoPath, still.plan.slides[0]!.start + 6, path.join(still.workDir, "still.png"));
    const [ta, tb, ts] = await Promise.all([a!, b!, s].map((f) => textBox(f, band[0], band[1])));
    expect(ta!.count).toBeGreaterThan(50);
    // The text does not move with the photo, and sits where the still path puts it.
    expect({ ...ta, count: 0 }).toEqual({ ...tb, count: 0 });
    expect(Math.abs(ta!.count - tb!.count)).toBeLessThan(0.15 * ta!.count);
    expect(Math.abs(ta!.minX - ts!.minX)).toBeLessThanOrEqual(1);
    expect(Math.abs(ta!.maxY - ts!.maxY)).toBeLessThanOrEqual(1);
    // The band darkens what is under it as on a still slide.
    const mean = async (f: string) => {
      const l = await luma(f);
      let sum = 0;
      for (let y = band[0] + 1; y < band[1] - 1; y++) for (let x = 0; x < l.width; x++) sum += l.at(x, y);
      return sum / ((band[1] - band[0] - 2) * l.width);
    };
    const plain = await renderSpec({ kenBurns: true }, [undefined, undefined]);
    const bare = await frameAt(plain.out.videoPath, plain.plan.slides[0]!.start + 4, path.join(plain.workDir, "bare.png"));
    expect(await mean(a!)).toBeLessThan(0.7 * (await mean(bare)));
  });
});
