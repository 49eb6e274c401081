import { describe, expect, it } from "vitest";
import { VideoSpecSchema } from "@photoreel/contracts";
import { defaultSpecForm, fromSpec, issuesToFieldErrors, moveItem, serverFieldErrors, toSpecInput, usesTransitions, validateSpecForm, type SpecForm } from "./spec-form";

const A = "0190a0b0-0000-7000-8000-00000000000a";
const B = "0190a0b0-0000-7000-8000-00000000000b";
const C = "0190a0b0-0000-7000-8000-00000000000c";
const AUDIO = "0190a0b0-0000-7000-8000-0000000000ff";
const form = (p: Partial<SpecForm> = {}): SpecForm => ({ ...defaultSpecForm(), slides: [A, B, C].map((photoId) => ({ photoId, seconds: "" })), ...p });

describe("toSpecInput", () => {
  it("carries the photos' captions and leaves the captions switch to the spec's default until the user sets it", () => {
    const captionOf = (id: string) => ({ [A]: " Lunch by the sea ", [B]: null })[id];
    const auto = validateSpecForm(form(), captionOf);
    expect(auto.input.slides.map((s) => s.caption)).toEqual(["Lunch by the sea", undefined, undefined]);
    expect(auto.input).not.toHaveProperty("captions");
    const off = toSpecInput(form({ captions: "off" }), captionOf);
    expect(off.captions).toBe(false);
    expect(off.slides.some((s) => s.caption)).toBe(false);
    expect(toSpecInput(form({ captions: "on" }), captionOf).captions).toBe(true);
    expect(fromSpec(VideoSpecSchema.parse(off)).captions).toBe("off");
  });

  it("maps the title card's style, colour and subtitle, and keeps today's look by default", () => {
    const plain = toSpecInput(form({ titleCardEnabled: true, titleCardText: "Trip" }));
    expect(plain.titleCard).toEqual({ text: "Trip", seconds: 2 });
    const styled = toSpecInput(form({ titleCardEnabled: true, titleCardText: "Trip", titleCardStyle: "colour", titleCardColour: "#fde047", titleCardSubtitle: " 3–9 March 2026 " }));
    expect(styled.titleCard).toEqual({ text: "Trip", seconds: 2, style: "colour", colour: "#fde047", subtitle: "3–9 March 2026" });
    const back = fromSpec(VideoSpecSchema.parse(styled));
    expect(back).toMatchObject({ titleCardStyle: "colour", titleCardColour: "#fde047", titleCardSubtitle: "3–9 March 2026" });
  });

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

describe("fromSpec", () => {
  it("gives back the form of a saved video's spec (the watch page's Edit), which maps to the same spec", () => {
    const r = validateSpecForm(
      form({ title: "Summer", slides: [{ photoId: A, seconds: "4.5" }, { photoId: B, seconds: "" }], transition: "circleopen", aspect: "9:16", fps: "25", titleCardEnabled: true, titleCardText: "Hi", musicAudioId: AUDIO, musicFadeOutSeconds: "3", quality: "draft" }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const back = validateSpecForm(fromSpec(r.spec));
    expect(back.ok && back.spec).toEqual(r.spec);
    expect(fromSpec(r.spec)).toMatchObject({ title: "Summer", aspect: "9:16", fps: "25", titleCardEnabled: true, musicAudioId: AUDIO, slides: [{ photoId: A, seconds: "4.5" }, { photoId: B, seconds: "" }] });
  });
});

describe("cut on the beat", () => {
  it("is sent only with music when ticked, and a saved video's choice (with its server-filled beats) comes back", () => {
    expect(toSpecInput(form({ musicCutOnBeat: true })).music).toBeUndefined();
    expect(toSpecInput(form({ musicAudioId: AUDIO })).music).not.toHaveProperty("cutOnBeat");
    const r = validateSpecForm(form({ musicAudioId: AUDIO, musicCutOnBeat: true }));
    expect(r.ok && r.input.music).toMatchObject({ audioId: AUDIO, cutOnBeat: true });
    if (!r.ok) return;
    const saved = { ...r.spec, music: { ...r.spec.music!, beats: [0.5, 1] } };
    expect(fromSpec(saved).musicCutOnBeat).toBe(true);
    // The beats are the server's to fill: an edited copy does not send the old ones back.
    expect(toSpecInput(fromSpec(saved)).music).not.toHaveProperty("beats");
  });
});

describe("per-slide transitions (the filmstrip's chips)", () => {
  it("sends each slide's own transition, drops one left on the last slide, and comes back from a saved spec", () => {
    const f = form({ transition: "fade", slides: [{ photoId: A, seconds: "", transition: "none" }, { photoId: B, seconds: "4", transition: "wipeleft" }, { photoId: C, seconds: "", transition: "dissolve" }] });
    const r = validateSpecForm(f);
    expect(r.ok).toBe(true);
    expect(r.input.slides.map((s) => s.transition)).toEqual(["none", "wipeleft", undefined]);
    if (!r.ok) return;
    // 3 + 4 + 3 s, a cut (0 s) then one 0.5 s wipe.
    expect(r.durationSeconds).toBe(9.5);
    const back = fromSpec(r.spec);
    expect(back.slides.map((s) => s.transition)).toEqual(["none", "wipeleft", undefined]);
    expect(toSpecInput(back)).toEqual(r.input);
  });

  it("leaves slides without a chip choice on the video's transition, so old drafts map as before", () => {
    const input = toSpecInput(form());
    expect(input.slides.every((s) => !("transition" in s))).toBe(true);
  });

  it("needs the transition length when only one slide has a transition in a video of cuts", () => {
    const cuts = form({ transition: "none", transitionSeconds: "" });
    expect(usesTransitions(cuts)).toBe(false);
    expect(validateSpecForm(cuts).ok).toBe(true);
    const one = form({ transition: "none", transitionSeconds: "", slides: [{ photoId: A, seconds: "", transition: "circleopen" }, { photoId: B, seconds: "" }] });
    expect(usesTransitions(one)).toBe(true);
    const r = validateSpecForm(one);
    expect(r.ok ? null : r.errors.transitionSeconds).toBe("enter a number");
  });

  it("puts a slide too short for its two transitions on that slide's seconds", () => {
    const r = validateSpecForm(form({ transitionSeconds: "1", slides: [{ photoId: A, seconds: "" }, { photoId: B, seconds: "2", transition: "none" }, { photoId: C, seconds: "" }] }));
    expect(r.ok).toBe(true);
    const bad = validateSpecForm(form({ transitionSeconds: "1", slides: [{ photoId: A, seconds: "" }, { photoId: B, seconds: "2" }, { photoId: C, seconds: "" }] }));
    expect(bad.ok ? null : bad.errors["slides.1.seconds"]).toMatch(/two transitions/);
  });
});
