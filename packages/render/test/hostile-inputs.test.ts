import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { VideoSpecSchema, type VideoSpecInput } from "@photoreel/contracts";
import type { RenderProfile } from "../src/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RenderBudgetError, RenderInputError, encodeBudgetMs, muxBudgetMs, probe, renderVideo, runFfmpeg, type RenderInput } from "../src/index";
import { flatWav } from "@photoreel/images/testing";
import { makePhoto, makeSine, tempDir } from "./fixtures";

// Attack payloads are generated here, never committed.
const run = promisify(execFile);
let root: string;
let cleanup: () => Promise<void>;
let photos: string[];
let seq = 0;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("render-hostile-"));
  photos = await Promise.all([1, 2].map((seed) => makePhoto(path.join(root, `p${seed}.jpg`), { width: 320, height: 240, seed })));
});
afterAll(() => cleanup());

const tiny: RenderProfile = { width: 160, height: 90, fps: 12, preset: "ultrafast", crf: 32 };
const specOf = (over: Partial<VideoSpecInput> = {}) =>
  VideoSpecSchema.parse({ slides: photos.map(() => ({ photoId: crypto.randomUUID() })), secondsPerPhoto: 3, music: { audioId: crypto.randomUUID() }, ...over });
const render = (input: Omit<RenderInput, "workDir" | "spec" | "profile" | "photos">) =>
  renderVideo({ spec: specOf(), profile: tiny, photos, workDir: path.join(root, `job-${++seq}`), ...input });


/** An ID3v2 tag (what makes a file sniff as MP3) followed by `body`. */
const behindId3 = (body: string) => Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), Buffer.from(body)]);

describe("hostile music", () => {
  it("a 46-byte WAV (one sample at 384 kHz) fails fast as too short instead of looping for minutes", async () => {
    const music = path.join(root, "tiny.wav");
    await writeFile(music, flatWav(384_000, 1, 1));
    expect(flatWav(384_000, 1, 1)).toHaveLength(46);
    const t0 = Date.now();
    const err = await render({ audioPath: music, audioFormat: "wav" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderInputError);
    expect((err as Error).message).toMatch(/music track is too short/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 30_000);

  it("loops a short track a counted number of times, to exactly the video's length", async () => {
    const music = await makeSine(path.join(root, "short.wav"), 0.7);
    const out = await render({ audioPath: music, audioFormat: "wav" });
    const info = await probe(out.videoPath);
    const audio = info.streams.find((s) => s.codecType === "audio");
    expect(audio?.codecName).toBe("aac");
    expect(Math.abs((audio?.durationSeconds ?? 0) - out.durationSeconds)).toBeLessThan(0.1);
  });

  it("an ffconcat script behind an ID3 tag is not read as a playlist: it cannot pull in another file", async () => {
    // On a worker the music sits beside the job's other inputs; the script names one of them.
    await makeSine(path.join(root, "secret.wav"), 3);
    const music = path.join(root, "concat.mp3");
    await writeFile(music, behindId3("ffconcat version 1.0\nfile secret.wav\n"));
    const err = await render({ audioPath: music, audioFormat: "mp3" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderInputError);
    expect((err as Error).message).toMatch(/music file could not be read/);
  });

  it("an HLS playlist behind an ID3 tag is not followed", async () => {
    await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=3", "-c:a", "libmp3lame", path.join(root, "segment.mp3")]).catch(() =>
      run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=3", "-f", "adts", path.join(root, "segment.mp3")]),
    );
    const music = path.join(root, "hls.mp3");
    await writeFile(music, behindId3(`#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n${path.join(root, "segment.mp3")}\n#EXT-X-ENDLIST\n`));
    const err = await render({ audioPath: music, audioFormat: "mp3" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderInputError);
  });

  it("refuses music whose demuxer is not named", async () => {
    const music = await makeSine(path.join(root, "plain.wav"), 2);
    await expect(render({ audioPath: music })).rejects.toThrow(/audioFormat/);
  });
});

describe("FFmpeg time budget", () => {
  it("kills a run that goes past its budget and rejects with a readable, final error", async () => {
    // -re reads the input at its real speed: this run would take 60 s.
    const t0 = Date.now();
    const err = await runFfmpeg(["-re", "-f", "lavfi", "-i", "sine=duration=60", "-f", "null", "-"], { timeoutMs: 1500, step: "adding the music" }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(RenderBudgetError);
    expect(err).toBeInstanceOf(RenderInputError); // final: the worker marks the job FAILED, no retry
    expect((err as Error).message).toMatch(/^Rendering was stopped: adding the music took longer than the 2 s it may take\./);
  }, 20_000);

  it("refuses an input whose demuxer is not named", async () => {
    await expect(runFfmpeg(["-i", photos[0]!, "-f", "null", "-"])).rejects.toThrow(/needs its demuxer named with -f/);
  });

  it("grows with the frames a run must produce", () => {
    const chunk = encodeBudgetMs({ frames: 270, width: 1920, height: 1080 });
    expect(chunk).toBeGreaterThan(100_000); // ~30x what 2 cores need for 270 1080p frames
    expect(encodeBudgetMs({ frames: 540, width: 1920, height: 1080 })).toBeGreaterThan(chunk);
    expect(encodeBudgetMs({ frames: 270, width: 1920, height: 1080 }, 2)).toBe(2 * chunk);
    expect(muxBudgetMs(600)).toBe(330_000);
  });
});
