import { TRANSITIONS } from "@photoreel/contracts";
import { describe, expect, it } from "vitest";
import { fadeThroughWeights, maskStops, maskWeight, pixelizeParams, radialU, slideOffsets, smoothstep, wipeSplit, zoominParams } from "./xfade-math";

describe("xfade maths", () => {
  it("starts on the outgoing slide and ends on the incoming one, for every mask transition", () => {
    for (const t of ["smoothleft", "smoothright", "circleopen", "circleclose", "radial"] as const) {
      // radial, as xfade draws it, leaves the angles just short of -π for its very last instant.
      const us = t === "radial" ? [-2.5, -1, 0, 1, 3] : [0, 0.25, 0.5, 0.75, 1];
      for (const u of us) {
        expect(maskWeight(t, 0, u), `${t} at start, u=${u}`).toBeCloseTo(0, 5);
        expect(maskWeight(t, 1, u), `${t} at end, u=${u}`).toBeCloseTo(1, 5);
      }
    }
  });

  it("opens a circle from the centre (circleopen) and closes one onto it (circleclose)", () => {
    expect(maskWeight("circleopen", 0.5, 0)).toBeGreaterThan(maskWeight("circleopen", 0.5, 1));
    expect(maskWeight("circleclose", 0.5, 1)).toBeGreaterThan(maskWeight("circleclose", 0.5, 0));
  });

  it("fades through the colour: neither slide at the midpoint, each alone at its end", () => {
    expect(fadeThroughWeights(0)).toEqual({ a: 1, b: 0 });
    expect(fadeThroughWeights(1)).toEqual({ a: 0, b: 1 });
    const mid = fadeThroughWeights(0.5);
    expect(mid.a).toBe(0);
    expect(mid.b).toBeLessThan(0.5);
  });

  it("wipes and slides by the progress", () => {
    expect(wipeSplit("wipeleft", 0.25, 100)).toEqual({ bFrom: 76, bTo: 100 });
    expect(wipeSplit("wiperight", 0.25, 100)).toEqual({ bFrom: 0, bTo: 26 });
    expect(slideOffsets("slideleft", 0.25, 100)).toEqual({ a: -25, b: 75 });
    expect(slideOffsets("slideright", 0.25, 100)).toEqual({ a: 25, b: -75 });
  });

  it("zooms A all the way in by the midpoint, then fades it out; pixelizes most at the midpoint", () => {
    expect(zoominParams(0)).toEqual({ zoom: 1, aAlpha: 1 });
    expect(zoominParams(0.5)).toEqual({ zoom: 0, aAlpha: 1 });
    expect(zoominParams(1).aAlpha).toBe(0);
    expect(pixelizeParams(0, 1920, 1080).block).toBe(0);
    expect(pixelizeParams(0.5, 1920, 1080).block).toBeCloseTo(54);
    expect(pixelizeParams(0.25, 1920, 1080).block).toBeLessThan(54);
  });

  it("gives a stop per step, and the radial gradient covers a whole turn", () => {
    const stops = maskStops("radial", 0.5, radialU, 8);
    expect(stops).toHaveLength(9);
    expect(radialU(0)).toBeCloseTo(Math.PI);
    expect(radialU(1)).toBeCloseTo(-Math.PI);
    expect(smoothstep(0, 1, 0.5)).toBe(0.5);
  });

  it("knows every transition of the spec (the default is a plain crossfade weight)", () => {
    for (const t of TRANSITIONS) expect(Number.isFinite(maskWeight(t, 0.3, 0.5))).toBe(true);
  });
});
