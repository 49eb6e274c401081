import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";

export interface PhotoSpec {
  name: string;
  width: number;
  height: number;
  /** EXIF DateTimeOriginal as cameras write it ("2024:06:01 10:00:00"); none: the library files it by upload date. */
  taken?: string;
  make?: string;
  model?: string;
}

/** Real JPEGs of a given shape, capture date and camera (a coloured field with the file's number on it). */
export async function makePhotos(specs: readonly PhotoSpec[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "photoreel-photos-"));
  return Promise.all(
    specs.map(async (s, i) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${s.width}" height="${s.height}">
        <rect width="100%" height="100%" fill="hsl(${(i * 47) % 360},55%,50%)"/>
        <circle cx="${s.width * 0.7}" cy="${s.height * 0.3}" r="${Math.min(s.width, s.height) * 0.15}" fill="rgba(255,255,255,0.45)"/>
        <text x="50%" y="58%" font-family="DejaVu Sans" font-size="${Math.min(s.width, s.height) / 3}" font-weight="bold" text-anchor="middle" fill="white">${i + 1}</text></svg>`;
      let img = sharp(Buffer.from(svg));
      if (s.taken || s.make) img = img.withExif({ IFD0: { ...(s.make ? { Make: s.make } : {}), ...(s.model ? { Model: s.model } : {}) }, IFD2: s.taken ? { DateTimeOriginal: s.taken } : {} });
      const p = join(dir, s.name);
      await img.jpeg({ quality: 80 }).toFile(p);
      return p;
    }),
  );
}
