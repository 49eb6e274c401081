import sharp from "sharp";

/**
 * A camera-like test photo: colour gradient, film grain and a few shapes, so x264 has real detail to spend bits on
 * (a flat colour encodes much faster and would flatter the pipeline). Same recipe as bench/render's photos.
 */
export async function makePhoto(file: string, opts: { width: number; height: number; seed: number }): Promise<string> {
  const { width, height, seed } = opts;
  let s = seed * 2654435761 + 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  const hue = [rnd() * 255, rnd() * 255, rnd() * 255] as const;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const fy = y / height;
    for (let x = 0; x < width; x++) {
      const fx = x / width;
      const n = (rnd() - 0.5) * 40;
      const o = (y * width + x) * 3;
      raw[o] = clamp(hue[0] * (1 - fx) + 255 * fx * fy + n);
      raw[o + 1] = clamp(hue[1] * fy + 128 * (1 - fx) + n);
      raw[o + 2] = clamp(hue[2] * (1 - fy) + 90 * fx + n);
    }
  }
  const shapes = Array.from({ length: 12 }, (_, i) => {
    const [cx, cy] = [Math.round(rnd() * width), Math.round(rnd() * height)];
    const r = Math.round((0.03 + rnd() * 0.12) * Math.min(width, height));
    const fill = `rgb(${Math.round(rnd() * 255)},${Math.round(rnd() * 255)},${Math.round(rnd() * 255)})`;
    return i % 2
      ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}" fill-opacity="0.8"/>`
      : `<rect x="${cx - r}" y="${cy - r / 2}" width="${2 * r}" height="${r}" fill="${fill}" fill-opacity="0.8"/>`;
  });
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join("")}</svg>`);
  await sharp(raw, { raw: { width, height, channels: 3 } }).composite([{ input: svg }]).jpeg({ quality: 90 }).toFile(file);
  return file;
}
