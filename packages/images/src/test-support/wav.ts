/** RIFF WAVE, PCM 16-bit little-endian, `channels` interleaved at `rate` Hz, around `pcm` (the samples' bytes). */
export function wav16(rate: number, channels: number, pcm: Buffer): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2 * channels, 28);
  h.writeUInt16LE(2 * channels, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

/** A constant-valued 16-bit WAV of `frames` sample frames: 44 + 2 * channels * frames bytes (hostile-input tests). */
export const flatWav = (rate: number, channels: number, frames: number) => wav16(rate, channels, Buffer.alloc(2 * channels * frames, 0x10));
