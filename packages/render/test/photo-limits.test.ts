import { writeFile } from "node:fs/promises";
import path from "node:path";
import { VideoSpecSchema } from "@photoreel/contracts";
import { planTimeline } from "@photoreel/timeline";
import { buildHeif, codedImage, heifEnc, phonePicture, pngBomb, props } from "@photoreel/images/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RenderInputError, renderVideo } from "../src/index";
import { renderProfile, type RenderProfile } from "../src/policy";
import { frameAt, makePhoto, ssim, tempDir } from "./fixtures";

// The worker decodes photos through the images package's openPhoto, with the thumbnailer's limits: a file posted over
// a checked photo (an SVG, a 256 MP PNG) fails the render with the thumbnailer's own reason, and HEIC renders upright.
let root: string;
let cleanup: () => Promise<void>;
let jpeg: string;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("render-limits-"));
  jpeg = await makePhoto(path.join(root, "ok.jpg"), { width: 640, height: 480, seed: 1 });
});
afterAll(() => cleanup());

const tiny: RenderProfile = { width: 160, height: 90, fps: 12, preset: "ultrafast", crf: 32 };
const specOf = (n: number, over: object = {}) => VideoSpecSchema.parse({ slides: Array.from({ length: n }, () => ({ photoId: crypto.randomUUID() })), ...over });
const limits = { maxInputPixels: 100_000_000, maxBytes: 50_000_000, timeoutSeconds: 30 };

describe("the render worker decodes with the thumbnailer's allow-list and pixel limit", () => {
  it.each([
    ["an SVG", () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><rect width="4000" height="3000" fill="red"/></svg>'), /^Photo 2 can't be used: This file is not a photo \(it looks like an SVG drawing\)/],
    ["a 256 MP PNG", () => pngBomb(16_000, 16_000), /^Photo 2 can't be used: This photo is too large to process \(256 megapixels; the limit is 100\)/],
  ])("%s posted over a checked photo fails the render with the reason the thumbnailer gives", async (_name, body, reason) => {
    const swapped = path.join(root, `swapped-${_name.length}`);
    await writeFile(swapped, body());
    const started = performance.now();
    const err = await renderVideo({ spec: specOf(2), profile: tiny, photos: [jpeg, swapped], workDir: path.join(root, `job-${_name.length}`), photoLimits: limits }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderInputError);
    expect((err as RenderInputError).photoIndex).toBe(2);
    expect((err as Error).message).toMatch(reason);
    expect(performance.now() - started).toBeLessThan(20_000); // refused from the header: nothing was decoded
  });

  it("a HEIC with irot (an iPhone portrait) is shown upright in its interval", async () => {
    const upright = await phonePicture(480, 640);
    const coded = codedImage(await heifEnc(await sharp(upright).rotate(270).png().toBuffer(), { quality: 90 }));
    const heic = path.join(root, "portrait.heic");
    await writeFile(heic, buildHeif({ brands: ["heic", "mif1", "heic"], primary: 1, items: [{ id: 1, type: coded.itemType, data: coded.data, props: [...coded.codingProps, props.ispe(coded.width, coded.height), props.irot(3)] }] }));
    const spec = specOf(2, { fit: "contain", transition: "none", secondsPerPhoto: 1 });
    const profile = renderProfile(spec, { preview: true });
    const workDir = path.join(root, "heic-job");
    const out = await renderVideo({ spec, profile, photos: [jpeg, heic], workDir, photoLimits: limits });
    const plan = planTimeline(spec, profile);
    const slide = plan.slides[1]!;
    const frame = await frameAt(out.videoPath, plan.titleFrames + slide.start + Math.floor(slide.frames / 2), path.join(workDir, "mid.png"));
    const reference = async (img: Buffer, name: string) => {
      const file = path.join(workDir, name);
      await sharp(img).resize(profile.width, profile.height, { fit: "contain", background: "#000" }).flatten({ background: "#000" }).png().toFile(file);
      return file;
    };
    const asShown = await ssim(frame, await reference(upright, "upright.png"));
    const sideways = await ssim(frame, await reference(await sharp(upright).rotate(270).png().toBuffer(), "sideways.png"));
    expect(asShown).toBeGreaterThan(0.9);
    expect(asShown - sideways).toBeGreaterThan(0.1);
  });
});
