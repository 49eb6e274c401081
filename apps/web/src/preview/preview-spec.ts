import { withTrackBeats, type AudioView, type VideoSpec } from "@photoreel/contracts";

/**
 * The spec the live preview plays: the draft with its music track's beats, stamped by the same `withTrackBeats` the
 * API applies when the video is created, so the preview's timeline (`planTimeline`, whose `cutDurations` snap the
 * cuts) matches the render's frame for frame. Without the track's details yet (the list still loading), no beats:
 * the cuts stay put until they arrive.
 */
export function previewSpec(spec: VideoSpec, tracks: readonly (AudioView | null | undefined)[] | undefined): VideoSpec {
  const music = spec.music;
  const track = music ? tracks?.find((t) => t?.id === music.audioId) : undefined;
  return withTrackBeats(spec, { beats: track?.beats ?? null, durationSeconds: track?.durationSeconds ?? null });
}
