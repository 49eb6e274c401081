import { execFile } from "node:child_process";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { AudioRejectedError } from "./errors";
import { describeContent, sniffAudioType, SNIFF_BYTES } from "./sniff";
import type { AudioContentType } from "./sniff";

export const MIN_AUDIO_SECONDS = 0.5;
const PROBE_TIMEOUT_MS = 20_000;

// The demuxer is forced from the sniffed type, so a file can only be read as the format it claims to be
// (no playlists or concat lists pulling in other files, no guessing).
const DEMUXER: Record<AudioContentType, string> = {
  "audio/mpeg": "mp3",
  "audio/mp4": "mov",
  "audio/aac": "aac",
  "audio/wav": "wav",
  "audio/ogg": "ogg",
};

const SUPPORTED = "Upload an MP3, M4A/AAC, WAV or OGG file.";

/** Validates a music upload: the sniffed type, then ffprobe (an audio stream, longer than half a second). */
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

  const probe = await ffprobe(path, DEMUXER[contentType]);
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
  return { contentType, durationSeconds: duration };
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
  streams?: { codec_type?: string; duration?: string }[];
  format?: { duration?: string; format_name?: string };
}

/** null when ffprobe cannot read the file; throws only when ffprobe itself cannot run. */
function ffprobe(path: string, demuxer: string): Promise<FfprobeOutput | null> {
  const args = [
    "-v", "error",
    "-f", demuxer,
    "-show_entries", "format=duration,format_name:stream=codec_type,duration",
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
