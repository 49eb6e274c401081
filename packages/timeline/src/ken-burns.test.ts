import { describe, expect, it } from "vitest";
import { VideoSpecSchema } from "@photoreel/contracts";
import { KEN_BURNS_MAX_ZOOM, kenBurnsMotion, kenBurnsRect, kenBurnsWindow } from "./ken-burns";
import { planTimeline } from "./plan";
import { photoId } from "./test-ids";

const inside = (r: { x: number; y: number; width: number; height: number }) =>
  r.x >= -1e-12 && r.y >= -1e-12 && r.x + r.width <= 1 + 1e-12 && r.y + r.height <= 1 + 1e-12;

describe("kenBurnsMotion", () => {
  it("alternates zooming in and out and never moves two neighbours the same way", () => {
    for (let i = 0; i < 8; i++) {
      const a = kenBurnsMotion(i);
      const b = kenBurnsMotion(i + 1);
      expect(Math.sign(a.to.width - a.from.width)).not.toBe(Math.sign(b.to.width - b.from.width));
      const centre = (m: typeof a) => [m.to.x + m.to.width / 2 - (m.from.x + m.from.width / 2), m.to.y + m.to.height / 2 - (m.from.y + m.from.height / 2)];
      expect(centre(a)).not.toEqual(centre(b));
    }
  });

  it("keeps every window inside the canvas, square in canvas fractions (the frame's aspect), at most the max zoom", () => {
    for (let i = 0; i < 8; i++) {
      for (let t = 0; t <= 1; t += 0.125) {
        const r = kenBurnsWindow(kenBurnsMotion(i), t);
        expect(inside(r)).toBe(true);
        expect(r.width).toBeCloseTo(r.height, 12);
        expect(1 / r.width).toBeLessThanOrEqual(KEN_BURNS_MAX_ZOOM + 1e-12);
      }
    }
  });
});

describe("kenBurnsRect", () => {
  const spec = VideoSpecSchema.parse({ slides: [1, 2, 3].map(() => ({ photoId: photoId() })), kenBurns: true, secondsPerPhoto: 3 });
  const plan = planTimeline(spec, { width: 1920, height: 1080, fps: 30 });

  it("runs from the motion's first window on the slide's first frame to its last on the last frame", () => {
    const m = kenBurnsMotion(1);
    expect(kenBurnsRect(plan, 1, 0)).toEqual(m.from);
    expect(kenBurnsRect(plan, 1, plan.slides[1]!.frames - 1)).toEqual(m.to);
  });

  it("moves a fixed point of the photo across the frame at a steady, monotonic pace (no jitter in the plan)", () => {
    // A point of the canvas, seen through the window: where it lands in the frame, in output pixels.
    const u = { x: 0.6, y: 0.4 };
    for (const slide of [0, 1, 2]) {
      const xs = Array.from({ length: plan.slides[slide]!.frames }, (_, f) => {
        const r = kenBurnsRect(plan, slide, f);
        return ((u.x - r.x) / r.width) * plan.width;
      });
      const steps = xs.slice(1).map((x, i) => x - xs[i]!);
      const sign = Math.sign(steps[0]!);
      expect(steps.every((s) => Math.sign(s) === sign)).toBe(true);
      // Constant-speed edges: each step within 1% of its neighbour.
      for (let i = 1; i < steps.length; i++) expect(Math.abs(steps[i]! - steps[i - 1]!)).toBeLessThan(Math.abs(steps[i - 1]!) * 0.01);
    }
  });

  it("with a focal point, still moves every point of the photo at a steady, monotonic pace, and ends on the point", () => {
    // Inside the room a 1.15x zoom leaves (0.435..0.565), so the end window is centred on it, not clamped.
    const focal = { x: 0.45, y: 0.55 };
    for (const slide of [0, 1, 2]) {
      const frames = plan.slides[slide]!.frames;
      for (const axis of ["x", "y"] as const) {
        const size = axis === "x" ? plan.width : plan.height;
        const along = Array.from({ length: frames }, (_, f) => {
          const r = kenBurnsRect(plan, slide, f, focal);
          const at = axis === "x" ? (0.6 - r.x) / r.width : (0.4 - r.y) / r.height;
          return at * size;
        });
        const steps = along.slice(1).map((v, i) => v - along[i]!);
        const sign = Math.sign(steps[0]!);
        expect(steps.every((st) => Math.sign(st) === sign || Math.abs(st) < 1e-9)).toBe(true);
        for (let i = 1; i < steps.length; i++) expect(Math.abs(steps[i]! - steps[i - 1]!)).toBeLessThanOrEqual(Math.abs(steps[i - 1]!) * 0.01 + 1e-9);
      }
      const end = kenBurnsRect(plan, slide, frames - 1, focal);
      expect(end.x + end.width / 2).toBeCloseTo(focal.x, 12);
      expect(end.y + end.height / 2).toBeCloseTo(focal.y, 12);
    }
  });

  it("names a slide that does not exist", () => {
    expect(() => kenBurnsRect(plan, 3, 0)).toThrow(/no slide 3/);
  });
});

describe("kenBurnsMotion with a focal point", () => {
  const centreOf = (r: { x: number; y: number; width: number; height: number }) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 });

  it("ends every slide on a zoomed window centred on the focal point, zooming in on even slides and panning on odd ones", () => {
    const focal = { x: 0.45, y: 0.48 };
    for (let i = 0; i < 8; i++) {
      const m = kenBurnsMotion(i, focal);
      expect(centreOf(m.to).x).toBeCloseTo(focal.x, 12);
      expect(centreOf(m.to).y).toBeCloseTo(focal.y, 12);
      expect(m.to.width).toBeCloseTo(1 / KEN_BURNS_MAX_ZOOM, 12);
      if (i % 2 === 0) expect(m.from).toEqual({ x: 0, y: 0, width: 1, height: 1 });
      else expect(Math.hypot(m.from.x - m.to.x, m.from.y - m.to.y)).toBeGreaterThan(0.05);
    }
  });

  it("moves the end window inside the canvas when the point is near an edge, so nothing outside the photo shows", () => {
    for (const focal of [{ x: 0, y: 0 }, { x: 1, y: 0.02 }, { x: 0.5, y: 1 }]) {
      for (let i = 0; i < 4; i++) {
        for (let t = 0; t <= 1; t += 0.25) expect(inside(kenBurnsWindow(kenBurnsMotion(i, focal), t))).toBe(true);
      }
    }
    const top = kenBurnsMotion(0, { x: 0.5, y: 0 }).to;
    expect(top.y).toBe(0);
    expect(centreOf(top).x).toBeCloseTo(0.5, 12);
  });

  it("is the classic motion when no focal point is given", () => {
    expect(kenBurnsMotion(1, undefined)).toEqual(kenBurnsMotion(1));
  });
});
