import { execFile } from "node:child_process";
import { resolve } from "node:path";

/**
 * Beat times of a music track, found once when the track is accepted (issue 16 "Cut on the beat").
 *
 * The method is the classic one (Ellis 2007, "Beat tracking by dynamic programming"), kept small:
 *  1. decode to mono 16-bit PCM at a low rate with FFmpeg (beats need no treble);
 *  2. onset strength: the rise of log energy between short overlapping frames (half-wave rectified);
 *  3. tempo: the lag where the onset envelope best correlates with itself, between 60 and 200 BPM, weighted
 *     towards ~120 BPM so a track is not read at half or double its tempo;
 *  4. beats: dynamic programming that picks onset peaks spaced close to that period, then each beat moved to
 *     the strongest onset within a few milliseconds (the grid alone drifts with a tempo that is not a whole
 *     number of frames).
 */
export const BEAT_SAMPLE_RATE = 11_025;
/** Only the first ten minutes are read: no slideshow is longer, and decoding stays bounded in time and memory. */
export const BEAT_MAX_SECONDS = 600;
/** 200 BPM for ten minutes: the most beats a track can keep. */
export const MAX_BEATS = 2000;
const DECODE_TIMEOUT_MS = 30_000;

const WINDOW = 128; // 11.6 ms at 11 025 Hz
const HOP = 32; // 2.9 ms: the time resolution of the envelope
const MIN_BPM = 60;
const MAX_BPM = 200;
const PRIOR_BPM = 120;
/** How hard the tracker holds to the tempo versus following strong onsets (Ellis' alpha). */
const TIGHTNESS = 100;
/** Rises of log energy below this are ripple (a sine's energy in a window that is not a whole number of periods). */
const MIN_ONSET = 0.1;

/** Beat times in seconds, ascending, at most MAX_BEATS; empty when the audio has no steady pulse to find. */
export function detectBeats(samples: Int16Array, sampleRate = BEAT_SAMPLE_RATE): number[] {
  const env = onsetEnvelope(samples);
  // A level that never rises by a tenth (steady tones, silence, hiss) has no onsets to cut on.
  if (!env.some((v) => v > MIN_ONSET)) return [];
  const frameRate = sampleRate / HOP;
  const period = tempoPeriod(env, frameRate);
  if (period === null) return [];
  const frames = trackBeats(env, period);
  // The frame's centre is where its energy sits.
  const offset = WINDOW / 2 / sampleRate;
  return frames.slice(0, MAX_BEATS).map((f) => Math.round((f / frameRate + offset) * 1000) / 1000);
}

/** Half-wave rectified first difference of log frame energy, one value per HOP samples. */
function onsetEnvelope(samples: Int16Array): Float32Array {
  const n = Math.max(0, Math.floor((samples.length - WINDOW) / HOP) + 1);
  const env = new Float32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let j = i * HOP, end = j + WINDOW; j < end; j++) {
      const s = samples[j]! / 32768;
      e += s * s;
    }
    // log(1 + C·E) compresses loudness like hearing does, and keeps silence at 0 instead of -infinity.
    const level = Math.log1p(1000 * e);
    env[i] = i === 0 ? 0 : Math.max(0, level - prev);
    prev = level;
  }
  return env;
}

/** The beat period in (fractional) envelope frames, or null when nothing repeats. */
function tempoPeriod(env: Float32Array, frameRate: number): number | null {
  const minLag = Math.floor((60 / MAX_BPM) * frameRate);
  const maxLag = Math.ceil((60 / MIN_BPM) * frameRate);
  if (env.length < maxLag * 4) return null;
  let mean = 0;
  for (const v of env) mean += v;
  mean /= env.length;
  const x = Float32Array.from(env, (v) => v - mean);
  const ac = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let s = 0;
    for (let i = lag; i < x.length; i++) s += x[i]! * x[i - lag]!;
    ac[lag] = s / (x.length - lag);
  }
  let best = -1;
  let bestScore = 0;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const bpm = (60 * frameRate) / lag;
    // Log-Gaussian prior around 120 BPM, one octave wide: breaks ties between a tempo and its half or double.
    const weight = Math.exp(-0.5 * Math.log2(bpm / PRIOR_BPM) ** 2);
    const score = ac[lag]! * weight;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  if (best < 0) return null;
  // Parabolic interpolation around the peak gives the period to a fraction of a frame.
  const [a, b, c] = [ac[best - 1]!, ac[best]!, ac[best + 1]!];
  const denom = a - 2 * b + c;
  return best + (denom < 0 ? (0.5 * (a - c)) / denom : 0);
}

/**
 * Ellis' dynamic programming: score[i] = onset[i] + the best score[j] one period or so earlier, less a penalty
 * that grows with how far (i - j) is from the period. The last beat is the best-scoring frame near the end;
 * following the back-pointers gives the rest.
 */
function trackBeats(env: Float32Array, period: number): number[] {
  const n = env.length;
  let max = 0;
  for (const v of env) max = Math.max(max, v);
  if (max === 0) return [];
  const onset = Float32Array.from(env, (v) => v / max);
  const score = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const lo = Math.round(period / 2);
  const hi = Math.round(period * 2);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = i - hi; j <= i - lo; j++) {
      if (j < 0) continue;
      const penalty = TIGHTNESS * Math.log((i - j) / period) ** 2;
      const s = score[j]! - penalty;
      if (back[i] === -1 || s > best) {
        best = s;
        back[i] = j;
      }
    }
    // A chain that would lose score by continuing starts afresh here instead.
    if (best <= 0) back[i] = -1;
    score[i] = onset[i]! + Math.max(0, best);
  }
  // The last beat: the best score in the final period.
  let last = -1;
  for (let i = Math.max(0, n - Math.ceil(period)); i < n; i++) if (last < 0 || score[i]! > score[last]!) last = i;
  const beats: number[] = [];
  for (let i = last; i >= 0; i = back[i]!) beats.push(i);
  beats.reverse();
  // Each beat to the strongest onset within ±10% of a period: the grid is whole frames, onsets are not.
  const reach = Math.max(1, Math.round(period * 0.1));
  const refined = beats.map((b) => {
    let at = b;
    for (let j = Math.max(0, b - reach); j <= Math.min(n - 1, b + reach); j++) if (onset[j]! > onset[at]!) at = j;
    return at;
  });
  // Leading beats with no onset are the tracker counting through silence before the music starts.
  const first = refined.findIndex((f) => onset[f]! > 0.05);
  return first < 0 ? [] : refined.slice(first);
}

/** The track as mono 16-bit PCM at BEAT_SAMPLE_RATE (first BEAT_MAX_SECONDS), read with its own demuxer only. */
export function decodeForBeats(path: string, demuxer: string): Promise<Int16Array> {
  const args = [
    "-nostdin", "-v", "error",
    "-f", demuxer, "-i", `file:${resolve(path)}`,
    "-t", String(BEAT_MAX_SECONDS),
    "-vn", "-ac", "1", "-ar", String(BEAT_SAMPLE_RATE),
    "-f", "s16le", "-",
  ];
  const maxBuffer = BEAT_MAX_SECONDS * BEAT_SAMPLE_RATE * 2 + 1024 * 1024;
  return new Promise((done, fail) => {
    execFile("ffmpeg", args, { encoding: "buffer", timeout: DECODE_TIMEOUT_MS, maxBuffer }, (error, stdout) => {
      if (error) return fail(error);
      // A copy: the output buffer may start at an odd offset of a shared pool, which Int16Array cannot view.
      const pcm = new Int16Array(Math.floor(stdout.length / 2));
      for (let i = 0; i < pcm.length; i++) pcm[i] = stdout.readInt16LE(i * 2);
      done(pcm);
    });
  });
}

/** Decodes and detects; an empty list when the track cannot be analysed (beats are an extra, never a reason to refuse). */
export async function beatsOf(path: string, demuxer: string): Promise<number[]> {
  try {
    return detectBeats(await decodeForBeats(path, demuxer));
  } catch {
    return [];
  }
}
