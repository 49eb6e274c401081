import { describe, expect, it } from "vitest";
import { defaultSpecForm, issuesToFieldErrors, moveItem, serverFieldErrors, toSpecInput, validateSpecForm, type SpecForm } from "./spec-form";

const A = "0190a0b0-0000-7000-8000-00000000000a";
const B = "0190a0b0-0000-7000-8000-00000000000b";
const C = "0190a0b0-0000-7000-8000-00000000000c";
const AUDIO = "0190a0b0-0000-7000-8000-0000000000ff";
const form = (p: Partial<SpecForm> = {}): SpecForm => ({ ...defaultSpecForm(), slides: [A, B, C].map((photoId) => ({ photoId, seconds: "" })), ...p });

describe("toSpecInput", () => {
  it("maps the defaults to the schema's defaults and leaves optional parts out", () => {
    const r = validateSpecForm(form());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input).not.toHaveProperty("title");
    expect(r.input).not.toHaveProperty("titleCard");
    expect(r.input).not.toHaveProperty("music");
    expect(r.spec).toMatchObject({ secondsPerPhoto: 3, transition: "fade", transitionSeconds: 0.5, kenBurns: false, fit: "cover", aspect: "16:9", resolution: "1080p", fps: 30, quality: "final" });
    // 3 slides of 3 s overlapping by two 0.5 s transitions.
    expect(r.durationSeconds).toBe(8);
  });

  it("maps every option", () => {
    const input = toSpecInput(
      form({
        title: "  Summer  ",
        slides: [{ key: "k1", photoId: A, seconds: "4.5" }, { photoId: B, seconds: "" }],
        secondsPerPhoto: "2",
        transition: "circleopen",
        transitionSeconds: "0.8",
        kenBurns: true,
        fit: "blur",
        aspect: "9:16",
        resolution: "720p",
        fps: "24",
        titleCardEnabled: true,
        titleCardText: "Our trip",
        titleCardSeconds: "3",
        musicAudioId: AUDIO,
        musicFadeOutSeconds: "1.5",
        quality: "draft",
      }),
    );
    expect(input).toEqual({
      title: "Summer",
      slides: [{ photoId: A, seconds: 4.5 }, { photoId: B }],
      secondsPerPhoto: 2,
      transition: "circleopen",
      transitionSeconds: 0.8,
      kenBurns: true,
      fit: "blur",
      aspect: "9:16",
      resolution: "720p",
      fps: 24,
      titleCard: { text: "Our trip", seconds: 3 },
      music: { audioId: AUDIO, fadeOutSeconds: 1.5 },
      quality: "draft",
    });
    const r = validateSpecForm(form({ titleCardEnabled: true, titleCardText: "Hi", titleCardSeconds: "2" }));
    expect(r.ok && r.durationSeconds).toBe(10);
  });
});

describe("validateSpecForm", () => {
  it("puts errors on the field paths the form shows them at", () => {
    const r = validateSpecForm(form({ secondsPerPhoto: "", slides: [{ photoId: A, seconds: "0.5" }, { photoId: B, seconds: "" }], titleCardEnabled: true, titleCardText: " " }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.secondsPerPhoto).toBe("enter a number");
    expect(r.errors["slides.0.seconds"]).toMatch(/at least 1 second/);
    expect(r.errors["titleCard.text"]).toMatch(/enter the title text/);
  });

  it("requires at least one photo", () => {
    const r = validateSpecForm(form({ slides: [] }));
    expect(!r.ok && r.errors.slides).toMatch(/pick at least one photo/);
  });

  it("catches a slide shorter than its transitions (the schema's refinement)", () => {
    const r = validateSpecForm(form({ transitionSeconds: "2", slides: [{ photoId: A, seconds: "" }, { photoId: B, seconds: "3.5" }, { photoId: C, seconds: "" }] }));
    expect(!r.ok && r.errors["slides.1.seconds"]).toMatch(/longer than two transitions/);
  });

  it("ignores the transition length when there is no transition", () => {
    const r = validateSpecForm(form({ transition: "none", transitionSeconds: "" }));
    expect(r.ok && r.durationSeconds).toBe(9);
  });
});

describe("error mapping and reordering", () => {
  it("keeps the first message per path", () => {
    expect(issuesToFieldErrors([{ path: ["a", 0], message: "one", code: "custom" }, { path: ["a", 0], message: "two", code: "custom" }, { path: [], message: "top", code: "custom" }])).toEqual({ "a.0": "one", _: "top" });
    expect(serverFieldErrors({ title: ["too long", "x"] })).toEqual({ title: "too long" });
    expect(serverFieldErrors(null)).toEqual({});
  });

  it("moves items like drag and drop", () => {
    expect(moveItem(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(moveItem(["a", "b", "c", "d"], 3, 0)).toEqual(["d", "a", "b", "c"]);
    expect(moveItem(["a", "b"], 1, 1)).toEqual(["a", "b"]);
  });
});
