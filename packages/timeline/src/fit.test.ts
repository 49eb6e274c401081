import { describe, expect, it } from "vitest";
import { CENTRE, fitGeometry, focalInFrame } from "./fit";

const frame = { width: 1920, height: 1080 };

describe("fitGeometry", () => {
  it("cover crops the centre of a 4:3 photo to 16:9 and fills the frame", () => {
    expect(fitGeometry("cover", { width: 4032, height: 3024 }, frame)).toEqual({
      crop: { x: 0, y: 378, width: 4032, height: 2268 },
      place: { x: 0, y: 0, ...frame },
      background: "none",
    });
  });

  it("cover crops the sides of a photo wider than the frame", () => {
    expect(fitGeometry("cover", { width: 3000, height: 1000 }, frame).crop).toEqual({ x: 611, y: 0, width: 1778, height: 1000 });
  });

  it("contain shows a portrait photo whole, centred on black", () => {
    expect(fitGeometry("contain", { width: 3024, height: 4032 }, frame)).toEqual({
      crop: { x: 0, y: 0, width: 3024, height: 4032 },
      place: { x: 555, y: 0, width: 810, height: 1080 },
      background: "black",
    });
  });

  it("blur places like contain over a blurred background; a photo of the frame's aspect fills it", () => {
    const g = fitGeometry("blur", { width: 1000, height: 400 }, frame);
    expect(g.place).toEqual({ x: 0, y: 156, width: 1920, height: 768 });
    expect(g.background).toBe("blur");
    expect(fitGeometry("blur", { width: 3840, height: 2160 }, frame).place).toEqual({ x: 0, y: 0, ...frame });
  });

  it("never produces an empty rectangle for extreme panoramas", () => {
    const g = fitGeometry("contain", { width: 100_000, height: 10 }, frame);
    expect(g.place.height).toBeGreaterThanOrEqual(1);
    expect(fitGeometry("cover", { width: 10, height: 100_000 }, frame).crop.height).toBeGreaterThanOrEqual(1);
  });
});

describe("fitGeometry around a focal point", () => {
  const portrait = { width: 3024, height: 4032 };

  it("without a focal point, or with the centre, crops exactly as before", () => {
    for (const photo of [portrait, { width: 4032, height: 3024 }, { width: 3001, height: 999 }, { width: 1001, height: 3001 }]) {
      expect(fitGeometry("cover", photo, frame, CENTRE)).toEqual(fitGeometry("cover", photo, frame));
      expect(fitGeometry("cover", photo, frame, { x: 0.5, y: 0.5 }).crop).toEqual(fitGeometry("cover", photo, frame).crop);
    }
  });

  it("cover centres the crop on the focal point of a portrait photo", () => {
    // 16:9 of a 3024-wide photo is 1701 high; centred on y = 0.3 * 4032 = 1209.6 -> top 359.
    expect(fitGeometry("cover", portrait, frame, { x: 0.5, y: 0.3 }).crop).toEqual({ x: 0, y: 359, width: 3024, height: 1701 });
  });

  it("clamps the crop inside the photo when the focal point is near an edge", () => {
    expect(fitGeometry("cover", portrait, frame, { x: 0.5, y: 0.02 }).crop).toEqual({ x: 0, y: 0, width: 3024, height: 1701 });
    expect(fitGeometry("cover", portrait, frame, { x: 0.5, y: 1 }).crop).toEqual({ x: 0, y: 4032 - 1701, width: 3024, height: 1701 });
    expect(fitGeometry("cover", { width: 3000, height: 1000 }, frame, { x: 0, y: 0.5 }).crop).toEqual({ x: 0, y: 0, width: 1778, height: 1000 });
    expect(fitGeometry("cover", { width: 3000, height: 1000 }, frame, { x: 1, y: 0.5 }).crop).toEqual({ x: 3000 - 1778, y: 0, width: 1778, height: 1000 });
  });

  it("leaves contain and blur placement alone (they show the whole photo)", () => {
    expect(fitGeometry("contain", portrait, frame, { x: 0.1, y: 0.1 })).toEqual(fitGeometry("contain", portrait, frame));
    expect(fitGeometry("blur", portrait, frame, { x: 0.9, y: 0.9 })).toEqual(fitGeometry("blur", portrait, frame));
  });

  it("focalInFrame says where the point lands: the crop's centre when there is room, off-centre when clamped", () => {
    expect(focalInFrame("cover", portrait, frame, { x: 0.5, y: 0.3 }).y).toBeCloseTo(0.5, 2);
    expect(focalInFrame("cover", portrait, frame, { x: 0.5, y: 0.05 })).toEqual({ x: 0.5, y: (0.05 * 4032) / 1701 });
    // contain: the portrait sits in the middle 810 px of 1920, full height.
    const c = focalInFrame("contain", portrait, frame, { x: 0, y: 0.25 });
    expect(c.x).toBeCloseTo(555 / 1920, 6);
    expect(c.y).toBeCloseTo(0.25, 6);
  });
});
