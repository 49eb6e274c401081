// A click track at a known tempo, written sample by sample (no binary fixtures): what beat detection is tested on.
import { wav16 } from "./wav";

const RATE = 44_100;

/**
 * A click track written sample by sample: a 30 ms 1.5 kHz burst with a fast decay on every beat, over a quiet
 * 110 Hz drone and a little noise (so silence is not what makes the clicks easy). Returns the WAV and the true times.
 */
export function clickTrack(bpm: number, seconds: number, firstBeat = 0.37): { wav: Buffer; beats: number[] } {
  const n = Math.round(seconds * RATE);
  const pcm = new Int16Array(n);
  const beats: number[] = [];
  for (let t = firstBeat; t < seconds - 0.05; t += 60 / bpm) beats.push(t);
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
  for (let i = 0; i < n; i++) pcm[i] = Math.round((0.08 * Math.sin((2 * Math.PI * 110 * i) / RATE) + noise()) * 32767);
  for (const b of beats) {
    const start = Math.round(b * RATE);
    for (let k = 0; k < 0.03 * RATE && start + k < n; k++) {
      const v = 0.7 * Math.exp(-k / (0.006 * RATE)) * Math.sin((2 * Math.PI * 1500 * k) / RATE);
      pcm[start + k] = Math.max(-32768, Math.min(32767, pcm[start + k]! + Math.round(v * 32767)));
    }
  }
  return { wav: wav16(RATE, 1, Buffer.from(pcm.buffer)), beats };
}

