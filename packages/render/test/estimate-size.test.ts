import { stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoSpecSchema, type Transition } from "@photoreel/contracts";
import { estimateVideoBytes, renderProfile } from "../src/policy";
import { renderVideo } from "../src/index";
import { makeGrainyPhoto, tempDir } from "./fixtures";

let root: string;
let cleanup: () => Promise<void>;
let photos: string[];

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("estimate-"));
  photos = await Promise.all([1, 2, 3, 4].map((seed) => makeGrainyPhoto(path.join(root, `p${seed}.jpg`), 2000, 1500, seed)));
});
afterAll(() => cleanup());

const specOf = (transitions: (Transition | undefined)[]) =>
  VideoSpecSchema.parse({
    slides: photos.map((_, i) => ({ photoId: crypto.randomUUID(), ...(transitions[i] ? { transition: transitions[i] } : {}) })),
    secondsPerPhoto: 3,
    transition: "fade",
    fit: "contain",
    resolution: "720p",
  });

describe("estimateVideoBytes against real renders (the composer shows it before rendering)", () => {
  // The composer promises ±25% on camera-like photos; each case is rendered with the profile the worker uses.
  it.each<[string, (Transition | undefined)[]]>([
    ["crossfades", []],
    ["per-slide: a cut, a wipe and a dissolve", ["none", "wipeleft", "dissolve"]],
  ])("%s: within a quarter (±25 percent) of the real file", async (name, transitions) => {
    const spec = specOf(transitions);
    const out = await renderVideo({ spec, profile: renderProfile(spec), photos, workDir: path.join(root, name.replace(/\W+/g, "-")) });
    const bytes = (await stat(out.videoPath)).size;
    const ratio = estimateVideoBytes(spec) / bytes;
    console.log(`estimate/actual ${name}: ${ratio.toFixed(3)} (${bytes} bytes)`);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
  });
});
