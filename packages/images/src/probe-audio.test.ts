import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioRejectedError, probeAudio } from "./index";
import { flatWav } from "./test-support/wav";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "photoreel-audio-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A sine tone made by FFmpeg itself. */
function tone(name: string, seconds: number, codecArgs: string[]): string {
  const path = join(dir, name);
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, ...codecArgs, path]);
  return path;
}

async function rejection(path: string) {
  const error = await probeAudio(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AudioRejectedError);
  return error as AudioRejectedError;
}

describe("probeAudio (real ffmpeg/ffprobe)", () => {
  it.each([
    ["tone.wav", [], "audio/wav"],
    ["tone.mp3", ["-c:a", "libmp3lame", "-b:a", "128k"], "audio/mpeg"],
    ["tone.ogg", ["-c:a", "libvorbis"], "audio/ogg"],
    ["tone.m4a", ["-c:a", "aac", "-b:a", "128k"], "audio/mp4"],
    ["tone.aac", ["-c:a", "aac", "-f", "adts"], "audio/aac"],
  ] as const)("%s", async (name, codec, contentType) => {
    const result = await probeAudio(tone(name, 3, [...codec]));
    expect(result.contentType).toBe(contentType);
    expect(result.durationSeconds).toBeGreaterThan(2.8);
    expect(result.durationSeconds).toBeLessThan(3.3);
  });

  it("an MP3 without an ID3 tag is sniffed by its frame sync", async () => {
    const path = tone("bare.mp3", 2, ["-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"]);
    expect(await probeAudio(path)).toMatchObject({ contentType: "audio/mpeg" });
  });

  it("a clip of 0.3 s is too short", async () => {
    const error = await rejection(tone("short.wav", 0.3, []));
    expect(error.code).toBe("TOO_SHORT");
    expect(error.message).toMatch(/too short \(0\.3 s\)/);
  });

  it("an M4A container holding only video has no sound", async () => {
    const path = join(dir, "video.m4a");
    execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=64x64:d=2", "-c:v", "libx264", "-f", "mp4", path]);
    const error = await rejection(path);
    expect(error.code).toBe("NO_AUDIO_STREAM");
  });

  it("garbage with a WAV header is damaged", async () => {
    const path = join(dir, "garbage.wav");
    await writeFile(path, Buffer.concat([Buffer.from("RIFF\x24\0\0\0WAVEjunk", "latin1"), Buffer.alloc(2000, 0x55)]));
    expect((await rejection(path)).code).toBe("DAMAGED");
  });

  it("random garbage is not audio", async () => {
    const path = join(dir, "garbage.mp3");
    await writeFile(path, Buffer.from("this is not music, it is a note\n".repeat(20)));
    const error = await rejection(path);
    expect(error.code).toBe("NOT_AUDIO");
    expect(error.message).toBe("This file is not music (it looks like text). Upload an MP3, M4A/AAC, WAV or OGG file.");
  });

  it("a 46-byte mono WAV holding one 16-bit sample at 384 kHz is refused", async () => {
    const path = join(dir, "tiny.wav");
    await writeFile(path, flatWav(384_000, 1, 1));
    expect((await rejection(path)).code).toBe("TOO_SHORT");
  });

  it.each([
    ["384 kHz", 384_000, 1, /sample rate \(384 kHz\) is not one we can use\. Export it at 44\.1 or 48 kHz/],
    ["4 kHz", 4_000, 1, /sample rate \(4 kHz\)/],
    ["16 channels", 48_000, 16, /has 16 channels\. Export it as stereo or mono/],
  ] as const)("a 3 s WAV at %s is refused with what to do", async (_name, rate, channels, message) => {
    const path = join(dir, `odd-${rate}-${channels}.wav`);
    await writeFile(path, flatWav(rate, channels, rate * 3));
    const error = await rejection(path);
    expect(error.code).toBe("UNUSUAL_FORMAT");
    expect(error.message).toMatch(message);
  });

  it.each([
    ["an HLS playlist", (target: string) => `#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n${target}\n#EXT-X-ENDLIST\n`],
    ["an ffconcat script", (target: string) => `ffconcat version 1.0\nfile ${target}\n`],
  ])("%s behind an ID3 tag is not audio, though it names a real track", async (_name, script) => {
    const target = tone(`target-${_name.length}.mp3`, 3, ["-c:a", "libmp3lame"]);
    const path = join(dir, `script-${_name.length}.mp3`);
    await writeFile(path, Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), Buffer.from(script(target))]));
    const error = await rejection(path);
    expect(["DAMAGED", "NO_AUDIO_STREAM"]).toContain(error.code);
  });

  it("an empty file", async () => {
    const path = join(dir, "empty.mp3");
    await writeFile(path, "");
    expect((await rejection(path)).code).toBe("EMPTY");
  });
});

