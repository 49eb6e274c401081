import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { FOCAL_STRATEGY, focalPointBy, type FocalStrategy } from "./focal";
import { markedPhotos } from "./test-support/focal-photos";

const STRATEGIES: FocalStrategy[] = ["attention", "entropy", "saliency"];
const distance = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

describe("focal point detection against hand-marked photos", () => {
  it("measures attention, entropy and saliency, and the chosen strategy is the closest on average and near every mark", async () => {
    const photos = await markedPhotos();
    const rows: Record<FocalStrategy, number[]> = { attention: [], entropy: [], saliency: [] };
    for (const photo of photos) {
      const { data, info } = await sharp(photo.jpeg).raw().toBuffer({ resolveWithObject: true });
      const pixels = { data, info: { width: info.width, height: info.height, channels: info.channels as 3 } };
      const line = [`${photo.name.padEnd(56)} mark (${photo.mark.x.toFixed(2)}, ${photo.mark.y.toFixed(2)})`];
      for (const s of STRATEGIES) {
        const p = await focalPointBy(s, pixels);
        const d = distance(p, photo.mark);
        rows[s].push(d);
        line.push(`${s} (${p.x.toFixed(2)}, ${p.y.toFixed(2)}) d=${d.toFixed(3)}`);
      }
      console.log(line.join("  "));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const s of STRATEGIES) console.log(`${s.padEnd(9)} mean distance ${mean(rows[s]).toFixed(3)}  worst ${Math.max(...rows[s]).toFixed(3)}`);
    const best = STRATEGIES.reduce((a, b) => (mean(rows[b]) < mean(rows[a]) ? b : a));
    expect(FOCAL_STRATEGY).toBe(best);
    // Near enough that a 16:9 crop of a portrait (a third of its height) keeps the mark well inside.
    expect(Math.max(...rows[FOCAL_STRATEGY])).toBeLessThan(0.1);
  }, 60_000);
});

describe("detectFocalPoint on odd pixels", () => {
  it("answers a point inside the photo for greyscale, alpha, tiny and flat photos", async () => {
    const { detectFocalPoint } = await import("./focal");
    const cases = [
      { data: Buffer.alloc(40 * 30, 128), info: { width: 40, height: 30, channels: 1 as const } },
      { data: Buffer.alloc(40 * 30 * 2, 200), info: { width: 40, height: 30, channels: 2 as const } },
      { data: Buffer.alloc(1 * 1 * 4, 255), info: { width: 1, height: 1, channels: 4 as const } },
      { data: Buffer.alloc(3000 * 10 * 3, 10), info: { width: 3000, height: 10, channels: 3 as const } },
    ];
    for (const pixels of cases) {
      const p = await detectFocalPoint(pixels);
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(1);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(1);
    }
  });
});
