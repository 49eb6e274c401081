import { execFile } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { TRANSITIONS, VideoSpecSchema, videoDuration, type VideoSpecInput } from "@photoreel/contracts";
import { planTimeline } from "@photoreel/timeline";
import { renderProfile, videoBitrateCap, type RenderProfile } from "../src/policy";
import { REQUIRED_FFMPEG, RenderInputError, checkFfmpeg, missingCapabilities, probe, renderVideo, topLevelBoxes, type RenderInput } from "../src/index";
import { makeDotPhoto, measureMotion } from "./motion";
import { countFrames, coverReference, frameAt, makeNoise, makePhoto, makeSine, peakKbps, ssim, tempDir, xfadeReference } from "./fixtures";

let root: string;
let cleanup: () => Promise<void>;
/** 0,1: landscape; 2: portrait; 3: stored landscape with EXIF orientation 6 (shows portrait); 4,5: landscape. */
let photos: string[];
let sine: string;
let seq = 0;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("render-test-"));
  const dims = [[800, 600], [640, 480], [480, 640], [640, 480], [720, 480], [800, 600]] as const;
  photos = await Promise.all(
    dims.map(([width, height], i) => makePhoto(path.join(root, `p${i + 1}.jpg`), { width, height, seed: i + 1, orientation: i === 3 ? 6 : undefined })),
  );
  sine = await makeSine(path.join(root, "music.wav"), 3);
});
afterAll(() => cleanup());

const id = () => crypto.randomUUID();
function specOf(n: number, over: Partial<VideoSpecInput> = {}) {
  return VideoSpecSchema.parse({ slides: Array.from({ length: n }, () => ({ photoId: id() })), ...over });
}
async function render(input: Omit<RenderInput, "workDir">) {
  const workDir = path.join(root, `job-${++seq}`);
  return { workDir, out: await renderVideo({ ...input, workDir }) };
}
const tiny: RenderProfile = { width: 160, height: 90, fps: 12, preset: "ultrafast", crf: 32 };

/** Frame index in the middle of slide i's solo part. */
function middleOf(plan: ReturnType<typeof planTimeline>, i: number): number {
  const s = plan.slides[i]!;
  return plan.titleFrames + s.start + Math.floor(s.frames / 2);
}

describe("renderVideo", () => {
  it("renders a cover slideshow: h264 yuv420p, size, fps, exact duration, faststart, no audio, each photo in its slot", async () => {
    const spec = specOf(4, { secondsPerPhoto: 2, transitionSeconds: 0.5, transition: "fade", fit: "cover" });
    const profile = renderProfile(spec, { preview: true }); // 640x360 @ 12 fps
    const progress: number[] = [];
    const { workDir, out } = await render({ spec, profile, photos: photos.slice(0, 4), onProgress: (p) => progress.push(p.percent) });

    const info = await probe(out.videoPath);
    const v = info.streams.find((s) => s.codecType === "video")!;
    expect(v).toMatchObject({ codecName: "h264", pixFmt: "yuv420p", width: 640, height: 360, frameRate: 12 });
    expect(info.streams.some((s) => s.codecType === "audio")).toBe(false);
    const expected = 4 * 2 - 3 * 0.5;
    expect(Math.abs(info.durationSeconds - expected)).toBeLessThanOrEqual(1 / 12);
    expect(await countFrames(out.videoPath)).toBe(expected * 12);
    expect(out).toMatchObject({ width: 640, height: 360, durationSeconds: expected });
    expect(out.bytes).toBeGreaterThan(1000);
    const boxes = await topLevelBoxes(out.videoPath);
    expect(boxes.indexOf("moov")).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
    expect(progress.at(-1)).toBe(100);

    const plan = planTimeline(spec, profile);
    for (let i = 0; i < 4; i++) {
      const frame = await frameAt(out.videoPath, middleOf(plan, i), path.join(workDir, `mid-${i}.png`));
      const own = await ssim(frame, await coverReference(photos[i]!, 640, 360, path.join(workDir, `ref-${i}.png`)));
      expect(own, `slide ${i + 1}`).toBeGreaterThan(0.8);
      const other = await ssim(frame, await coverReference(photos[(i + 1) % 4]!, 640, 360, path.join(workDir, `ref-o${i}.png`)));
      expect(other, `slide ${i + 1} vs another photo`).toBeLessThan(own - 0.1);
    }
    // The EXIF-6 photo (slide 4) must be shown upright: compare with the un-rotated pixels too.
    const raw = await sharp(photos[3]!).resize(640, 360, { fit: "cover" }).png().toFile(path.join(workDir, "unrotated.png"));
    expect(raw.width).toBe(640);
    const upright = await ssim(path.join(workDir, "mid-3.png"), path.join(workDir, "ref-3.png"));
    const sideways = await ssim(path.join(workDir, "mid-3.png"), path.join(workDir, "unrotated.png"));
    expect(upright - sideways).toBeGreaterThan(0.05);
    // Poster: the first photo fitted to the output size.
    const poster = await sharp(out.posterPath).metadata();
    expect([poster.format, poster.width, poster.height]).toEqual(["jpeg", 640, 360]);
  });

  it("honours fps, per-slide seconds, repeated photos and hard cuts", async () => {
    const spec = VideoSpecSchema.parse({
      slides: [{ photoId: id(), seconds: 1.5 }, { photoId: id(), seconds: 2.2 }, { photoId: id() }, { photoId: id(), seconds: 1 }],
      secondsPerPhoto: 1.8,
      transition: "none",
      fps: 25,
    });
    const profile: RenderProfile = { width: 320, height: 180, fps: 25, preset: "ultrafast", crf: 30 };
    const files = [photos[0]!, photos[1]!, photos[0]!, photos[4]!];
    const { workDir, out } = await render({ spec, profile, photos: files });
    const info = await probe(out.videoPath);
    expect(info.streams[0]).toMatchObject({ width: 320, height: 180, frameRate: 25 });
    expect(await countFrames(out.videoPath)).toBe(Math.round(videoDuration(spec) * 25)); // 6.5 s
    const plan = planTimeline(spec, profile);
    const frame = await frameAt(out.videoPath, middleOf(plan, 2), path.join(workDir, "mid-2.png"));
    expect(await ssim(frame, await coverReference(photos[0]!, 320, 180, path.join(workDir, "ref.png")))).toBeGreaterThan(0.8);
  });

  it("adds the title card before the slides and music trimmed, looped and faded to the video", async () => {
    const spec = specOf(3, {
      aspect: "9:16",
      fit: "contain",
      secondsPerPhoto: 2,
      titleCard: { text: "Summer holidays in the mountains with everyone", seconds: 2 },
      music: { audioId: id(), fadeOutSeconds: 1 },
    });
    const profile = renderProfile(spec, { preview: true }); // 360x640
    const { workDir, out } = await render({ spec, profile, photos: photos.slice(0, 3), audioPath: sine, audioFormat: "wav" });
    const info = await probe(out.videoPath);
    const v = info.streams.find((s) => s.codecType === "video")!;
    const a = info.streams.find((s) => s.codecType === "audio");
    expect(v).toMatchObject({ width: 360, height: 640 });
    expect(a?.codecName).toBe("aac");
    const expected = 2 + 3 * 2 - 2 * 0.5;
    expect(await countFrames(out.videoPath)).toBe(expected * 12);
    expect(Math.abs((a?.durationSeconds ?? 0) - expected)).toBeLessThan(0.1); // looped 3 s sine up to 7 s
    expect(Math.abs(info.durationSeconds - expected)).toBeLessThanOrEqual(1 / 12 + 0.03);
    expect((await topLevelBoxes(out.videoPath)).slice(0, 2)).toEqual(["ftyp", "moov"]);

    const title = await sharp(await frameAt(out.videoPath, 12, path.join(workDir, "title.png"))).stats();
    const lum = title.channels[0]!;
    expect(lum.mean).toBeLessThan(60); // black card...
    expect(lum.max).toBeGreaterThan(200); // ...with white text
    const plan = planTimeline(spec, profile);
    const first = await sharp(await frameAt(out.videoPath, middleOf(plan, 0), path.join(workDir, "s0.png"))).stats();
    expect(first.channels[0]!.mean).toBeGreaterThan(40);
  });

  it("renders Ken Burns over a blurred fit with smooth motion", async () => {
    const spec = specOf(3, { kenBurns: true, fit: "blur", aspect: "4:5", secondsPerPhoto: 3, transition: "slideleft" });
    const profile = renderProfile(spec, { preview: true }); // 360x450
    const { workDir, out } = await render({ spec, profile, photos: [photos[2]!, photos[0]!, photos[3]!] });
    expect(await countFrames(out.videoPath)).toBe(3 * 36 - 2 * 6);
    expect((await probe(out.videoPath)).streams[0]).toMatchObject({ width: 360, height: 450 });
    const plan = planTimeline(spec, profile);
    const s = plan.slides[1]!;
    const at = (k: number) => frameAt(out.videoPath, s.start + k, path.join(workDir, `kb-${k}.png`));
    const [a, b, z] = [await at(8), await at(9), await at(s.frames - 8)];
    expect(await ssim(a, b)).toBeGreaterThan(0.85); // consecutive frames: small steps
    expect(await ssim(a, z)).toBeLessThan(await ssim(a, b)); // but it moves
  });

  it("moves Ken Burns smoothly to a fraction of a pixel: tracked dots never step back and keep an even pace", async () => {
    const dots = await makeDotPhoto(path.join(root, "dots.jpg"), 1280, 720);
    const spec = specOf(2, { kenBurns: true, transition: "none", secondsPerPhoto: 3, fit: "contain" });
    const profile: RenderProfile = { width: 640, height: 360, fps: 30, preset: "veryfast", crf: 20 };
    const { out } = await render({ spec, profile, photos: [dots, dots] });
    const plan = planTimeline(spec, profile);
    for (const [i, s] of plan.slides.entries()) {
      const m = await measureMotion(out.videoPath, plan, i, { firstFrame: s.start, from: 0, frames: s.frames });
      // zoompan's whole-pixel crops measured here: not monotonic, jitter rms 0.9-1.1 px/frame², 0.9 px off the path.
      expect(m.monotonic, `slide ${i + 1}`).toBe(true);
      expect(m.jitterRms, `slide ${i + 1}`).toBeLessThan(0.1);
      expect(m.offPath, `slide ${i + 1}`).toBeLessThan(0.35);
    }
  });

  it("renders Ken Burns with a title card and a transition xfade runs in yuv444p", async () => {
    const spec = specOf(3, { kenBurns: true, transition: "dissolve", secondsPerPhoto: 2, titleCard: { text: "Trip", seconds: 1 } });
    const { workDir, out } = await render({ spec, profile: tiny, photos: photos.slice(0, 3) });
    expect(await countFrames(out.videoPath)).toBe(12 + 3 * 24 - 2 * 6);
    const title = await sharp(await frameAt(out.videoPath, 6, path.join(workDir, "title.png"))).stats();
    expect(title.channels[0]!.max).toBeGreaterThan(200);
    expect(title.channels[0]!.mean).toBeLessThan(60);
    // The middle of the first transition mixes both photos: unlike either side just before and after it.
    const plan = planTimeline(spec, tiny);
    const t = plan.titleFrames + plan.slides[1]!.start;
    const [before, mid, after] = await Promise.all([t - 1, t + 3, t + 6].map((f, i) => frameAt(out.videoPath, f, path.join(workDir, `x${i}.png`))));
    expect(await ssim(mid!, before!)).toBeLessThan(0.99);
    expect(await ssim(mid!, after!)).toBeLessThan(0.99);
  });

  it("renders Ken Burns over a greyscale photo between colour ones, each slide from its own photo", async () => {
    // The canvases are decoded as one image sequence: a greyscale JPEG among colour ones changes the decoder's pixel
    // format mid-run, and a slide must still show its own photo (a canvas off by one would show its neighbour's).
    const grey = path.join(root, "grey.jpg");
    await sharp(photos[1]!).greyscale().jpeg().toFile(grey);
    const files = [photos[0]!, grey, photos[5]!, grey];
    const spec = specOf(4, { kenBurns: true, transition: "fade", secondsPerPhoto: 2 });
    const { workDir, out } = await render({ spec, profile: tiny, photos: files });
    const plan = planTimeline(spec, tiny);
    expect(await countFrames(out.videoPath)).toBe(plan.totalFrames);
    const saturation = async (slide: number) => {
      const s = plan.slides[slide]!;
      const png = await frameAt(out.videoPath, plan.titleFrames + s.start + Math.floor(s.frames / 2), path.join(workDir, `g-${slide}.png`));
      const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      let sum = 0;
      for (let i = 0; i < data.length; i += 3) sum += Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
      return sum / (data.length / 3);
    };
    const [c0, g1, c2, g3] = await Promise.all([0, 1, 2, 3].map(saturation));
    expect(g1).toBeLessThan(6);
    expect(g3).toBeLessThan(6);
    expect(c0).toBeGreaterThan(20);
    expect(c2).toBeGreaterThan(20);
  });

  it.each(TRANSITIONS)("renders transition %s with the exact frame count, its middle frame as xfade draws it", async (transition) => {
    const spec = specOf(3, { transition, secondsPerPhoto: 1.5, transitionSeconds: 0.5 });
    // Near-lossless, so what the comparison below sees is the transition, not the encoder.
    const { workDir, out } = await render({ spec, profile: { ...tiny, crf: 4, maxrateKbps: 50_000 }, photos: photos.slice(0, 3) });
    const t = transition === "none" ? 0 : 6;
    expect(await countFrames(out.videoPath)).toBe(3 * 18 - 2 * t);
    if (transition === "none") return;
    // Frame 3 of the 6-frame transition 1 -> 2 (which starts at frame 18 - 6) against FFmpeg's xfade of the same
    // fitted photos in yuv444p. Right: 0.990-1. Run per plane, the transitions kept in yuv444p measured 0.67-0.96.
    const frame = await frameAt(out.videoPath, 12 + 3, path.join(workDir, "mid.png"));
    const [a, b] = ["photo-000.jpg", "photo-001.jpg"].map((f) => path.join(workDir, f));
    const ref = await xfadeReference(a!, b!, { transition, frames: 6, fps: 12, index: 3 }, path.join(workDir, "mid-ref.png"));
    expect(await ssim(frame, ref)).toBeGreaterThan(0.98);
  });

  it("keeps a costly video under the bitrate cap (VBV) over every stretch of seconds", async () => {
    // Grain in motion at CRF 20 wants several times the cap. With a one-second VBV buffer, any stretch of W seconds
    // holds at most cap * (W + 1) bits: the cap over time, plus a buffer that may start full.
    const noisy = await Promise.all([1, 2, 3].map((i) => makeNoise(path.join(root, `noise-${i}.jpg`), 480, 270, i)));
    const spec = specOf(3, { kenBurns: true, secondsPerPhoto: 3, transitionSeconds: 0.5 });
    const profile: RenderProfile = { width: 320, height: 180, fps: 12, preset: "veryfast", crf: 20 };
    const cap = videoBitrateCap(profile);
    const { out } = await render({ spec, profile, photos: noisy });
    expect(await peakKbps(out.videoPath, 4)).toBeLessThanOrEqual(cap * 1.25);
    expect(await peakKbps(out.videoPath, 1)).toBeLessThanOrEqual(cap * 2);
    // The same frames at CRF 20 without the cap: what the grain would have cost, so the 4-second check above binds.
    // (Measured 418-716 kbit/s against a cap of 250: the capped render varies a little from run to run with x264's
    // sliced threads, and re-encoding it varies more, so this asks for what the check needs, not for twice the cap.)
    const uncapped = path.join(root, "uncapped.mp4");
    await promisify(execFile)("ffmpeg", ["-v", "error", "-y", "-i", out.videoPath, "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", uncapped]);
    expect(await peakKbps(uncapped, 4)).toBeGreaterThan(cap * 1.25);
  });

  it("renders a long job in chunks joined without gaps: exact duration, photos in their slots across boundaries", async () => {
    const n = 25;
    const spec = specOf(n, { secondsPerPhoto: 1.5, transitionSeconds: 0.5, transition: "dissolve" });
    const profile: RenderProfile = { width: 192, height: 108, fps: 12, preset: "ultrafast", crf: 30 };
    const files = Array.from({ length: n }, (_, i) => photos[i % photos.length]!);
    const { workDir, out } = await render({ spec, profile, photos: files, maxSlidesPerChunk: 4 });
    const chunks = (await readdir(workDir)).filter((f) => f.endsWith(".filtergraph"));
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    const frames = Math.round(videoDuration(spec) * 12);
    expect(await countFrames(out.videoPath)).toBe(frames);
    const info = await probe(out.videoPath);
    expect(Math.abs(info.durationSeconds - frames / 12)).toBeLessThanOrEqual(1 / 12);
    const plan = planTimeline(spec, profile);
    for (const i of [3, 4, 12, 24]) {
      const frame = await frameAt(out.videoPath, middleOf(plan, i), path.join(workDir, `c-${i}.png`));
      const ref = await coverReference(files[i]!, 192, 108, path.join(workDir, `cr-${i}.png`));
      expect(await ssim(frame, ref), `slide ${i + 1}`).toBeGreaterThan(0.8);
    }
  });

  it.each([false, true])("aborts mid-render within a second and leaves no FFmpeg behind (Ken Burns: %s)", async (kenBurns) => {
    const spec = specOf(6, { secondsPerPhoto: 4, kenBurns });
    const profile: RenderProfile = { width: 1280, height: 720, fps: 30, preset: "medium", crf: 21 };
    const controller = new AbortController();
    const pids: number[] = [];
    let abortedAt = 0;
    const promise = render({
      spec,
      profile,
      photos: photos.slice(0, 6),
      signal: controller.signal,
      onSpawn: (pid) => pids.push(pid),
      onProgress: (p) => {
        if (p.percent > 8 && !abortedAt) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const err = await promise.then(() => null, (e: unknown) => e);
    const took = performance.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect((err as Error).name).toBe("AbortError");
    expect(took).toBeLessThan(1000);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it("pre-scales in a child process that an abort kills, and leaves none behind when it finishes", async () => {
    const spec = specOf(4);
    const controller = new AbortController();
    const pids: number[] = [];
    const err = await render({
      spec,
      profile: tiny,
      photos: photos.slice(0, 4),
      signal: controller.signal,
      onSpawn: (pid) => {
        pids.push(pid);
        controller.abort(); // the first child is the pre-scale one: abort while it decodes
      },
    }).then(() => null, (e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    expect(pids).toHaveLength(1);
    expect(() => process.kill(pids[0]!, 0)).toThrow(/ESRCH/);

    const spawned: number[] = [];
    await render({ spec, profile: tiny, photos: photos.slice(0, 4), onSpawn: (pid) => spawned.push(pid) });
    expect(spawned.length).toBeGreaterThan(1); // pre-scale, then FFmpeg
    for (const pid of spawned) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it("names the photo that cannot be decoded", async () => {
    const broken = path.join(root, "broken.jpg");
    await writeFile(broken, (await readFile(photos[0]!)).subarray(0, 600));
    const garbage = path.join(root, "garbage.jpg");
    await writeFile(garbage, Buffer.from("definitely not a jpeg"));
    const spec = specOf(4);
    for (const [bad, message] of [
      [broken, "Photo 3 could not be read (it may be damaged); remove it and try again"],
      // Refused before decoding, with the thumbnailer's own reason (the images package's openPhoto).
      [garbage, "Photo 3 can't be used: This file is not a photo (it looks like text). Upload a JPEG, PNG, WebP, HEIC, AVIF or GIF."],
    ]) {
      const err = await render({ spec, profile: tiny, photos: [photos[0]!, photos[1]!, bad!, photos[2]!] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RenderInputError);
      expect((err as RenderInputError).photoIndex).toBe(3);
      expect((err as Error).message).toBe(message);
    }
  });

  it("rejects unreadable music as bad input", async () => {
    const bad = path.join(root, "bad.mp3");
    await writeFile(bad, Buffer.from("not audio at all"));
    const spec = specOf(2, { music: { audioId: id() } });
    const err = await render({ spec, profile: tiny, photos: photos.slice(0, 2), audioPath: bad, audioFormat: "mp3" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderInputError);
    expect((err as Error).message).toMatch(/music file could not be read/);
  });

  it("creates the workDir when given a fresh path under the caller's temp dir", async () => {
    const workDir = path.join(root, "nested", "render");
    await mkdir(path.dirname(workDir), { recursive: true });
    const out = await renderVideo({ spec: specOf(1), profile: tiny, photos: [photos[0]!], workDir });
    expect(out.videoPath.startsWith(workDir)).toBe(true);
  });
});

describe("checkFfmpeg", () => {
  it("passes on this machine's FFmpeg, which has everything renders use", async () => {
    await expect(checkFfmpeg()).resolves.toBeUndefined();
  });

  it("names each encoder, filter and format a build lacks", () => {
    const all = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, {}]));
    const full = { encoders: all(REQUIRED_FFMPEG.encoders), filters: all(REQUIRED_FFMPEG.filters), formats: all(REQUIRED_FFMPEG.formats) };
    expect(missingCapabilities(full)).toEqual([]);
    const { libx264: _x, ...encoders } = full.encoders;
    const { drawtext: _d, ...filters } = full.filters;
    expect(missingCapabilities({ ...full, encoders, filters })).toEqual(["encoder libx264", "filter drawtext"]);
  });
});
