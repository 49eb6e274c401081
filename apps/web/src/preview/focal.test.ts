import type { PhotoView, VideoSpec } from "@photoreel/contracts";
import { describe, expect, it } from "vitest";
import { withFocalPoints } from "./draw-frame";

const a = "00000000-0000-4000-8000-00000000000a";
const b = "00000000-0000-4000-8000-00000000000b";

describe("withFocalPoints", () => {
  it("gives each slide its photo's focal point, keeps a stamped one, and leaves photos without one centred", () => {
    const photos = new Map([
      [a, { id: a, focal: { x: 0.2, y: 0.1 } } as PhotoView],
      [b, { id: b, focal: null } as PhotoView],
    ]);
    const spec = { slides: [{ photoId: a }, { photoId: b }, { photoId: a, focal: { x: 0.9, y: 0.9 } }] } as VideoSpec;
    const out = withFocalPoints(spec, photos);
    expect(out.slides.map((s) => s.focal)).toEqual([{ x: 0.2, y: 0.1 }, undefined, { x: 0.9, y: 0.9 }]);
    expect(spec.slides[0]!.focal).toBeUndefined(); // the composer's own spec is not changed
  });
});
