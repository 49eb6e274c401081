import sharp from "sharp";
import path from "node:path";

/**
 * Realistic-ish camera photos: a colour gradient, film-grain noise and a few shapes, so the encoder has real
 * detail to spend bits on (a flat colour encodes ~45% faster and would flatter every pipeline).
 */
export async function makePhoto(
  file: string,
  opts: { width: number; height: number; seed: number; orientation?: number },
): Promise<string> {
  const { width, height, seed } = opts;
  const raw = Buffer.alloc(width * height * 3);
  let s = seed * 2654435761 + 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const hue = [rnd() * 255, rnd() * 255, rnd() * 255];
  for (let y = 0; y < height; y++) {
    const fy = y / height;
    for (let x = 0; x < width; x++) {
      const fx = x / width;
      const n = (rnd() - 0.5) * 40;
      const o = (y * width + x) * 3;
      raw[o] = clamp(hue[0]! * (1 - fx) + 255 * fx * fy + n);
      raw[o + 1] = clamp(hue[1]! * fy + 128 * (1 - fx) + n);
      raw[o + 2] = clamp(hue[2]! * (1 - fy) + 90 * fx + n);
    }
  }
  const shapes: string[] = [];
  for (let i = 0; i < 12; i++) {
    const cx = Math.round(rnd() * width);
    const cy = Math.round(rnd() * height);
    const r = Math.round((0.03 + rnd() * 0.12) * Math.min(width, height));
    const fill = `rgb(${Math.round(rnd() * 255)},${Math.round(rnd() * 255)},${Math.round(rnd() * 255)})`;
    shapes.push(
      i % 2
        ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}" fill-opacity="0.8"/>`
        : `<rect x="${cx - r}" y="${cy - r / 2}" width="${2 * r}" height="${r}" fill="${fill}" fill-opacity="0.8"/>`,
    );
  }
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join("")}</svg>`);
  let img = sharp(raw, { raw: { width, height, channels: 3 } }).composite([{ input: svg }]).jpeg({ quality: 90 });
  if (opts.orientation) img = img.withMetadata({ orientation: opts.orientation });
  await img.toFile(file);
  return file;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Ten photos like the rendering notes: landscape 4:3, two portrait, one stored sideways with EXIF orientation 6. */
export async function makeBenchPhotos(dir: string, count: number, long: number, short: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const portrait = i === 3 || i === 7;
    const sideways = i === 5; // stored landscape, displayed portrait via EXIF 6
    const [w, h] = portrait ? [short, long] : [long, short];
    files.push(
      await makePhoto(path.join(dir, `photo-${String(i + 1).padStart(3, "0")}.jpg`), {
        width: w,
        height: h,
        seed: i + 1,
        orientation: sideways ? 6 : undefined,
      }),
    );
  }
  return files;
}
