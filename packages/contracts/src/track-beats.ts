import { MAX_BEAT_SECONDS, MAX_SPEC_BEATS, videoDuration, type VideoSpec } from "./video-spec";

/** What a spec's beats are made from: a music track's detected beats (seconds from its start) and its length. */
export interface TrackBeats {
  /** Null or empty for a track from before beat detection, or one with no pulse to find. */
  beats: readonly number[] | null;
  durationSeconds: number | null;
}

/**
 * The spec with the beats its cuts snap to, for a spec with music: with `cutOnBeat`, the track's beats (a client's
 * own list is never trusted), repeated as the render loops a short track, up to a little past the video's end (cuts
 * move by at most half a beat); without it, no beats. Tracks from before beat detection have none: cuts stay put.
 *
 * One definition for both sides: the API stamps a video's spec with it at create (from the stored track), and the
 * composer's live preview applies it to the draft (from `audio.list`), so both time the slides with the same
 * `cutDurations`.
 */
export function withTrackBeats(spec: VideoSpec, track: TrackBeats): VideoSpec {
  if (!spec.music) return spec;
  const { beats: _ignored, ...music } = spec.music;
  if (!music.cutOnBeat || !track.beats?.length) return { ...spec, music };
  const until = Math.min(MAX_BEAT_SECONDS, videoDuration(spec) + 5);
  const loop = track.durationSeconds ?? 0;
  // Beats were found in the first ten minutes only: a longer track cannot be repeated from them.
  const repeats = loop >= 1 && track.beats.at(-1)! <= loop && loop <= 600 ? Math.ceil(until / loop) : 1;
  const beats: number[] = [];
  for (let k = 0; k < repeats; k++) for (const b of track.beats) if (b + k * loop <= until) beats.push(Math.round((b + k * loop) * 1000) / 1000);
  return { ...spec, music: { ...music, beats: beats.slice(0, MAX_SPEC_BEATS) } };
}
