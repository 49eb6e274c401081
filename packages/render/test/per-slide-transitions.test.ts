import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoSpecSchema, videoDuration } from "@photoreel/contracts";
import { pieces, planTimeline } from "@photoreel/timeline";
import type { RenderProfile } from "../src/policy";
import { renderVideo } from "../src/index";
import { countFrames, coverReference, frameAt, makePhoto, ssim, tempDir, xfadeReference } from "./fixtures";

let root: string;
let cleanup: () => Promise<void>;
let photos: string[];

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("per-slide-"));
  photos = await Promise.all([1, 2, 3, 4].map((seed) => makePhoto(path.join(root, `p${seed}.jpg`), { width: 640, height: 480, seed })));
});
afterAll(() => cleanup());

const id = () => crypto.randomUUID();
// Near-lossless, so the comparisons below see the transitions, not the encoder.
const profile: RenderProfile = { width: 160, height: 90, fps: 12, preset: "ultrafast", crf: 4, maxrateKbps: 50_000 };

describe("per-slide transitions in the render", () => {
  it("draws a cut, a wipe and a dissolve where each slide asks for them, with the exact frame count", async () => {
    // Video default wipeleft (runs per yuv420p plane); slide 0 cuts, slide 2 dissolves (needs yuv444p clips).
    const spec = VideoSpecSchema.parse({
      slides: [{ photoId: id(), transition: "none" }, { photoId: id() }, { photoId: id(), transition: "dissolve" }, { photoId: id() }],
      transition: "wipeleft",
      secondsPerPhoto: 1.5,
      transitionSeconds: 0.5,
    });
    const workDir = path.join(root, "job");
    const out = await renderVideo({ spec, profile, photos, workDir });
    const plan = planTimeline(spec, profile);
    expect(plan.boundaries.map((b) => [b.transition, b.frames])).toEqual([["none", 0], ["wipeleft", 6], ["dissolve", 6]]);
    // 4 x 18 frames, two 6-frame overlaps, no overlap at the cut.
    expect(await countFrames(out.videoPath)).toBe(4 * 18 - 2 * 6);
    expect(Math.round(videoDuration(spec) * 12)).toBe(60);

    const frame = (n: number, name: string) => frameAt(out.videoPath, n, path.join(workDir, `${name}.png`));
    const cover = (i: number) => coverReference(photos[i]!, 160, 90, path.join(workDir, `ref-${i}.png`));
    // The cut: the last frame of slide 0 is photo 1, the very next is photo 2, with nothing mixed between.
    const cut = plan.slides[1]!.start;
    expect(cut).toBe(18);
    expect(await ssim(await frame(cut - 1, "before-cut"), await cover(0))).toBeGreaterThan(0.95);
    expect(await ssim(await frame(cut, "at-cut"), await cover(1))).toBeGreaterThan(0.95);

    // Each transition's middle frame as FFmpeg's own xfade of the same fitted photos draws it.
    const transitions = pieces(plan).flatMap((p, at) => (p.kind === "transition" ? [{ p, at }] : []));
    expect(transitions.map(({ p }) => p.kind === "transition" && p.transition)).toEqual(["wipeleft", "dissolve"]);
    for (const slide of [1, 2]) {
      const b = plan.boundaries[slide]!;
      const start = plan.slides[slide + 1]!.start;
      const mid = await frame(start + 3, `mid-${slide}`);
      const [a, c] = [slide, slide + 1].map((k) => path.join(workDir, `photo-${String(k).padStart(3, "0")}.jpg`));
      const ref = await xfadeReference(a!, c!, { transition: b.transition, frames: b.frames, fps: 12, index: 3 }, path.join(workDir, `ref-mid-${slide}.png`));
      expect(await ssim(mid, ref)).toBeGreaterThan(0.98);
    }
    // And the two transitions differ: a wipe is not a dissolve.
    const wipeRef = await xfadeReference(path.join(workDir, "photo-002.jpg"), path.join(workDir, "photo-003.jpg"), { transition: "wipeleft", frames: 6, fps: 12, index: 3 }, path.join(workDir, "wrong.png"));
    expect(await ssim(await frame(plan.slides[3]!.start + 3, "mid-2b"), wipeRef)).toBeLessThan(0.98);
  });

  it("renders per-slide transitions over Ken Burns: a cut then a fade, exact frame count", async () => {
    const spec = VideoSpecSchema.parse({
      slides: [{ photoId: id(), transition: "none" }, { photoId: id(), transition: "fade" }, { photoId: id() }],
      transition: "none",
      kenBurns: true,
      secondsPerPhoto: 1.5,
      transitionSeconds: 0.5,
    });
    const workDir = path.join(root, "job-kb");
    const out = await renderVideo({ spec, profile: { ...profile, crf: 30 }, photos: photos.slice(0, 3), workDir });
    expect(await countFrames(out.videoPath)).toBe(3 * 18 - 6);
    const plan = planTimeline(spec, profile);
    const f = (n: number) => frameAt(out.videoPath, n, path.join(workDir, `f${n}.png`));
    // At the cut the picture changes completely from one frame to the next; inside the fade it changes gradually.
    const cut = plan.slides[1]!.start;
    expect(await ssim(await f(cut - 1), await f(cut))).toBeLessThan(0.6);
    const fade = plan.slides[2]!.start;
    expect(await ssim(await f(fade + 2), await f(fade + 3))).toBeGreaterThan(0.8);
  });
});
