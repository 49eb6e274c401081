import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beatsOf, detectBeats, MAX_BEATS } from "./beats";
import { clickTrack } from "./test-support/click-track";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "photoreel-beats-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every true beat has a detected one within 30 ms, and every detected beat is within 30 ms of a true one. */
function expectMatches(detected: number[], truth: number[]) {
  const nearest = (t: number, list: number[]) => Math.min(...list.map((x) => Math.abs(x - t)));
  const misses = truth.filter((t) => nearest(t, detected) > 0.03);
  const extras = detected.filter((t) => nearest(t, truth) > 0.03);
  const worst = Math.max(...truth.map((t) => nearest(t, detected)));
  console.log(`beats: ${detected.length} detected, ${truth.length} true, worst error ${(worst * 1000).toFixed(1)} ms`);
  expect(misses).toEqual([]);
  expect(extras).toEqual([]);
}

describe("beat detection (click tracks decoded by real FFmpeg)", () => {
  it.each([90, 128])("finds every beat of a %i BPM click track within 30 ms", async (bpm) => {
    const { wav, beats } = clickTrack(bpm, 20);
    const path = join(dir, `click-${bpm}.wav`);
    await writeFile(path, wav);
    expectMatches(await beatsOf(path, "wav"), beats);
  });

  it("reads a compressed track (MP3 made by FFmpeg from the click track) just as well", async () => {
    const { wav, beats } = clickTrack(128, 15);
    const src = join(dir, "click.wav");
    const mp3 = join(dir, "click.mp3");
    await writeFile(src, wav);
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", src, "-c:a", "libmp3lame", "-b:a", "128k", mp3]);
    expectMatches(await beatsOf(mp3, "mp3"), beats);
  });

  it("finds no beats in a steady tone, and none in a file FFmpeg cannot read", async () => {
    const tone = Int16Array.from({ length: 11_025 * 10 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / 11_025)));
    expect(detectBeats(tone)).toEqual([]);
    const junk = join(dir, "junk.wav");
    await writeFile(junk, Buffer.from("RIFF not really a wave file"));
    expect(await beatsOf(junk, "wav")).toEqual([]);
  });

  it("keeps at most MAX_BEATS", () => {
    const rate = 11_025;
    const pcm = new Int16Array(rate * 60 * 12); // 12 minutes of 200 BPM clicks
    for (let b = 0; b * 0.3 < 60 * 12; b++) for (let k = 0; k < 200; k++) pcm[Math.round(b * 0.3 * rate) + k] = k % 4 < 2 ? 20000 : -20000;
    expect(detectBeats(pcm).length).toBeLessThanOrEqual(MAX_BEATS);
  });
});
