import { describe, expect, it } from "vitest";
import { tempoOf } from "../src/services/audio-service";

describe("tempoOf", () => {
  it("reads the tempo from the median gap, and none from too few beats", () => {
    expect(tempoOf([0.37, 0.839, 1.308, 1.776, 2.245, 3.5])).toBe(128);
    expect(tempoOf([1, 2])).toBeNull();
    expect(tempoOf(null)).toBeNull();
  });
});
