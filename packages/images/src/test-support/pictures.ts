import sharp from "sharp";

export type Rgb = [number, number, number];
export const QUADRANTS = ["topLeft", "topRight", "bottomLeft", "bottomRight"] as const;
export type Quadrant = (typeof QUADRANTS)[number];
const COLOURS: Record<Quadrant, Rgb> = { topLeft: [220, 40, 40], topRight: [40, 170, 60], bottomLeft: [40, 60, 200], bottomRight: [230, 210, 40] };

/**
 * A picture whose orientation can be read back: four coloured quadrants (red, green / blue, yellow), so any turn or
 * mirror moves colours to other corners. PNG, sRGB, no profile.
 */
export function phonePicture(width: number, height: number): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q: Quadrant = y < height / 2 ? (x < width / 2 ? "topLeft" : "topRight") : x < width / 2 ? "bottomLeft" : "bottomRight";
      px.set(COLOURS[q], (y * width + x) * 3);
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** The mean colour around the centre of each quadrant of any image sharp reads (converted to sRGB, upright as stored). */
export async function quadrantColours(image: Buffer): Promise<Record<Quadrant, Rgb>> {
  const { data, info } = await sharp(image).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  const at = (fx: number, fy: number): Rgb => {
    const cx = Math.floor(info.width * fx);
    const cy = Math.floor(info.height * fy);
    const r = Math.max(1, Math.floor(Math.min(info.width, info.height) / 16));
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = cy - r; y <= cy + r; y++) {
      for (let x = cx - r; x <= cx + r; x++) {
        const i = (y * info.width + x) * info.channels;
        for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + data[i + c]!;
        n++;
      }
    }
    return sum.map((s) => Math.round(s / n)) as Rgb;
  };
  return { topLeft: at(0.25, 0.25), topRight: at(0.75, 0.25), bottomLeft: at(0.25, 0.75), bottomRight: at(0.75, 0.75) };
}
