import { execFile } from "node:child_process";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AudioProber } from "@photoreel/core";
import { beatsOf } from "./beats";
import { AudioRejectedError } from "./errors";
import { describeContent, sniffAudioType, SNIFF_BYTES } from "./sniff";
import type { AudioContentType } from "./sniff";

export const MIN_AUDIO_SECONDS = 0.5;
/** Longer than any video we render; a header claiming more is lying or the file is not music for a slideshow. */
export const MAX_AUDIO_SECONDS = 3 * 3600;
/** Telephone quality to studio masters. A 384 kHz header on a few bytes is a trick, not music. */
export const AUDIO_SAMPLE_RATES = { min: 8_000, max: 192_000 } as const;
export const MAX_AUDIO_CHANNELS = 8;
const PROBE_TIMEOUT_MS = 20_000;

/**
 * The FFmpeg demuxer for each sniffed audio type. Every reader (this probe, the worker's FFmpeg) forces it, so a
 * file can only be read as the format it claims to be (no playlists or concat lists pulling in other files, no guessing).
 */
export const AUDIO_DEMUXER: Record<AudioContentType, string> = {
  "audio/mpeg": "mp3",
  "audio/mp4": "mov",
  "audio/aac": "aac",
  "audio/wav": "wav",
  "audio/ogg": "ogg",
};

const SUPPORTED = "Upload an MP3, M4A/AAC, WAV or OGG file.";

/**
 * Validates a music upload: the sniffed type, then ffprobe with that type's demuxer forced (an audio stream with a
 * sane sample rate and channel count, between half a second and three hours long).
 */
export async function probeAudio(path: string): Promise<{ contentType: AudioContentType; durationSeconds: number }> {
  const head = await readHead(path);
  if (head.length === 0) throw new AudioRejectedError("EMPTY", "This file is empty (0 bytes). Choose the music file again.");
  const contentType = sniffAudioType(head);
  if (!contentType) {
    const what = describeContent(head);
    throw new AudioRejectedError(
      "NOT_AUDIO",
      what ? `This file is not music (it looks like ${what}). ${SUPPORTED}` : `This file is not an audio file we can read. ${SUPPORTED}`,
    );
  }

  const probe = await ffprobe(path, AUDIO_DEMUXER[contentType]);
  const damaged = () =>
    new AudioRejectedError("DAMAGED", "This audio file is damaged or incomplete and can't be read. Upload the original file again.");
  if (!probe) throw damaged();
  const audio = probe.streams?.find((s) => s.codec_type === "audio");
  if (!audio) throw new AudioRejectedError("NO_AUDIO_STREAM", `This file has no sound in it. ${SUPPORTED}`);
  const duration = [audio.duration, probe.format?.duration].map(Number).find((d) => Number.isFinite(d) && d > 0);
  if (duration === undefined) throw damaged();
  if (duration <= MIN_AUDIO_SECONDS) {
    throw new AudioRejectedError("TOO_SHORT", `This audio is too short (${duration.toFixed(1)} s). Choose a track longer than a second.`);
  }
  if (duration > MAX_AUDIO_SECONDS) {
    throw new AudioRejectedError("TOO_LONG", `This audio is longer than ${MAX_AUDIO_SECONDS / 3600} hours. Choose a shorter track or trim it first.`);
  }
  const rate = Number(audio.sample_rate);
  const channels = Number(audio.channels);
  if (!Number.isInteger(rate) || rate < AUDIO_SAMPLE_RATES.min || rate > AUDIO_SAMPLE_RATES.max) {
    throw new AudioRejectedError(
      "UNUSUAL_FORMAT",
      `This audio's sample rate (${Number.isFinite(rate) ? `${rate / 1000} kHz` : "unknown"}) is not one we can use. Export it at 44.1 or 48 kHz and upload it again.`,
    );
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_AUDIO_CHANNELS) {
    throw new AudioRejectedError("UNUSUAL_FORMAT", `This audio has ${Number.isFinite(channels) ? channels : "an unknown number of"} channels. Export it as stereo or mono and upload it again.`);
  }
  return { contentType, durationSeconds: duration };
}

/**
 * Core's `AudioProber` port: the bytes of an upload probed from a private temp file; a bad file is an outcome.
 * An accepted track's beats are found here too, from the same file, so they are computed once per track.
 */
export function createAudioProber(opts: { tmpRoot?: string } = {}): AudioProber {
  return {
    async probe(bytes) {
      const dir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), "audio-probe-"));
      try {
        const path = join(dir, "upload");
        await writeFile(path, bytes);
        const probed = await probeAudio(path);
        return { ok: true as const, ...probed, beats: await beatsOf(path, AUDIO_DEMUXER[probed.contentType]) };
      } catch (e) {
        if (e instanceof AudioRejectedError) return { ok: false as const, reason: e.message };
        throw e;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, "r");
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

interface FfprobeOutput {
  streams?: { codec_type?: string; duration?: string; sample_rate?: string; channels?: number }[];
  format?: { duration?: string; format_name?: string };
}

/** null when ffprobe cannot read the file; throws only when ffprobe itself cannot run. */
function ffprobe(path: string, demuxer: string): Promise<FfprobeOutput | null> {
  const args = [
    "-v", "error",
    "-f", demuxer,
    "-show_entries", "format=duration,format_name:stream=codec_type,duration,sample_rate,channels",
    "-of", "json",
    `file:${resolve(path)}`,
  ];
  return new Promise((done, fail) => {
    execFile("ffprobe", args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error && typeof error.code === "string") return fail(error); // ENOENT etc.: ffprobe is missing
      if (error) return done(null);
      try {
        done(JSON.parse(stdout) as FfprobeOutput);
      } catch {
        done(null);
      }
    });
  });
}
