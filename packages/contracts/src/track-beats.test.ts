import { describe, expect, it } from "vitest";
import { withTrackBeats, type TrackBeats } from "./track-beats";
import { VideoSpecSchema } from "./video-spec";

const audioId = "00000000-0000-4000-8000-0000000000aa";
const track = (beats: number[] | null, durationSeconds = 4): TrackBeats => ({ beats, durationSeconds });
const spec = (music: Record<string, unknown>) =>
  VideoSpecSchema.parse({ slides: Array.from({ length: 4 }, (_, i) => ({ photoId: `00000000-0000-4000-8000-00000000000${i}` })), transition: "none", secondsPerPhoto: 3, music: { audioId, ...music } });

describe("withTrackBeats: the beats a render cuts on come from the stored track", () => {
  it("replaces a client's own list with the track's, repeated as the render loops a short track", () => {
    const out = withTrackBeats(spec({ cutOnBeat: true, beats: [0.1, 0.2, 0.3] }), track([0.5, 1.5, 2.5, 3.5]));
    // 12 s of video + 5 s of slack over a 4 s track: the four beats, repeated every 4 s.
    expect(out.music?.beats).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5]);
  });

  it("carries no beats without the option, or for a track from before beat detection", () => {
    expect(withTrackBeats(spec({ beats: [1, 2] }), track([0.5])).music).not.toHaveProperty("beats");
    expect(withTrackBeats(spec({ cutOnBeat: true, beats: [1, 2] }), track(null)).music).not.toHaveProperty("beats");
  });
});
