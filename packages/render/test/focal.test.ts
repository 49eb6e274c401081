import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoSpecSchema, type FocalPoint } from "@photoreel/contracts";
import { planTimeline } from "@photoreel/timeline";
import { renderVideo } from "../src/index";
import type { RenderProfile } from "../src/policy";
import { frameAt, tempDir } from "./fixtures";

let root: string;
let cleanup: () => Promise<void>;
let seq = 0;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("render-focal-"));
});
afterAll(() => cleanup());

const profile: RenderProfile = { width: 320, height: 180, fps: 12, preset: "ultrafast", crf: 23 };

/** A grey photo with a pure green disc (the "face") centred at `mark`, fractions of the photo. */
async function markedPhoto(name: string, width: number, height: number, mark: FocalPoint): Promise<string> {
  const r = Math.round(Math.min(width, height) * 0.05);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#777"/>` +
    `<circle cx="${mark.x * width}" cy="${mark.y * height}" r="${r}" fill="#00ff00"/></svg>`;
  const file = path.join(root, name);
  await sharp(Buffer.from(svg)).jpeg({ quality: 95 }).toFile(file);
  return file;
}

/** How many pixels of a frame are the mark's green, and their centroid (fractions of the frame). */
async function green(png: string): Promise<{ count: number; x: number; y: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let count = 0, sx = 0, sy = 0;
  for (let i = 0; i < info.width * info.height; i++) {
    const [r, g, b] = [data[i * 3]!, data[i * 3 + 1]!, data[i * 3 + 2]!];
    if (g > 180 && r < 110 && b < 110) {
      count++;
      sx += (i % info.width) + 0.5;
      sy += Math.floor(i / info.width) + 0.5;
    }
  }
  return { count, x: count ? sx / count / info.width : NaN, y: count ? sy / count / info.height : NaN };
}

async function renderOne(photo: string, over: { focal?: FocalPoint; kenBurns?: boolean }) {
  const spec = VideoSpecSchema.parse({
    slides: [{ photoId: crypto.randomUUID(), ...(over.focal ? { focal: over.focal } : {}) }],
    secondsPerPhoto: 2,
    fit: "cover",
    aspect: "16:9",
    kenBurns: over.kenBurns ?? false,
  });
  const workDir = path.join(root, `job-${++seq}`);
  const out = await renderVideo({ spec, profile, photos: [photo], workDir });
  return { out, plan: planTimeline(spec, profile), workDir };
}

describe("focal points in the render (real FFmpeg)", () => {
  it("a portrait in a 16:9 cover keeps a mark near its top in frame with the focal point on it, and loses it cropped at the centre", async () => {
    const mark = { x: 0.5, y: 0.1 };
    const photo = await markedPhoto("portrait.jpg", 600, 1200, mark);
    const focused = await renderOne(photo, { focal: mark });
    const centred = await renderOne(photo, {});
    const middle = (r: typeof focused) => Math.floor(r.plan.totalFrames / 2);
    const withFocal = await green(await frameAt(focused.out.videoPath, middle(focused), path.join(focused.workDir, "mid.png")));
    const withCentre = await green(await frameAt(centred.out.videoPath, middle(centred), path.join(centred.workDir, "mid.png")));
    console.log(`green pixels: focal on the mark ${withFocal.count} at (${withFocal.x.toFixed(3)}, ${withFocal.y.toFixed(3)}); centre crop ${withCentre.count}`);
    // The disc's radius is 30 of 600 photo px -> 16 of 320 frame px: ~800 px of green when whole.
    expect(withFocal.count).toBeGreaterThan(500);
    expect(withCentre.count).toBe(0);
    // The crop is clamped at the photo's top edge: the mark sits where the geometry says, 0.1 * 1200 of the 337.5 rows shown.
    expect(withFocal.x).toBeCloseTo(0.5, 1);
    expect(withFocal.y).toBeCloseTo(120 / 337.5, 1);
  }, 120_000);

  it("Ken Burns ends its slide on a window centred on the focal point (and, without one, elsewhere)", async () => {
    // Within the room a 1.15x zoom leaves, so the end window is centred on the mark rather than clamped.
    const mark = { x: 0.46, y: 0.54 };
    const photo = await markedPhoto("landscape.jpg", 1600, 900, mark);
    const focused = await renderOne(photo, { focal: mark, kenBurns: true });
    const classic = await renderOne(photo, { kenBurns: true });
    const last = (r: typeof focused) => r.plan.totalFrames - 1;
    const end = await green(await frameAt(focused.out.videoPath, last(focused), path.join(focused.workDir, "last.png")));
    const endClassic = await green(await frameAt(classic.out.videoPath, last(classic), path.join(classic.workDir, "last.png")));
    const first = await green(await frameAt(focused.out.videoPath, 0, path.join(focused.workDir, "first.png")));
    const off = (g: { x: number; y: number }) => Math.hypot((g.x - 0.5) * 16, (g.y - 0.5) * 9) / Math.hypot(16, 9);
    console.log(
      `Ken Burns mark: first frame (${first.x.toFixed(3)}, ${first.y.toFixed(3)}); last frame with focal (${end.x.toFixed(3)}, ${end.y.toFixed(3)}) ` +
        `off-centre ${off(end).toFixed(4)}; classic last frame (${endClassic.x.toFixed(3)}, ${endClassic.y.toFixed(3)}) off-centre ${off(endClassic).toFixed(4)}`,
    );
    // Radius 45 of 1600 photo px, zoomed 1.15x into 320 px: ~10 px, ~340 px of green when whole.
    expect(end.count).toBeGreaterThan(250);
    // Within a pixel or so of the frame's centre (320x180: 0.005 of the diagonal is ~1.8 px).
    expect(off(end)).toBeLessThan(0.005);
    // The first frame shows the whole canvas: the mark where it is in the photo.
    expect(first.x).toBeCloseTo(mark.x, 2);
    expect(first.y).toBeCloseTo(mark.y, 2);
    expect(off(endClassic)).toBeGreaterThan(0.03);
  }, 120_000);
});
