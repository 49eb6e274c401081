import { DEFAULT_TITLE_COLOUR, VideoSpecSchema, videoDuration, type Transition, type VideoSpec, type VideoSpecInput } from "@photoreel/contracts";

/** The composer's form state: text inputs stay strings until mapped, so a half-typed number is not lost. */
export interface SpecForm {
  title: string;
  /**
   * `key` identifies a slide in the list (the same photo may appear twice). `transition`: into the next slide,
   * overriding the video's (absent: the video's); the filmstrip's chip after the slide sets it.
   */
  slides: { key?: string; photoId: string; seconds: string; transition?: Transition }[];
  secondsPerPhoto: string;
  transition: Transition;
  transitionSeconds: string;
  kenBurns: boolean;
  fit: "cover" | "contain" | "blur";
  aspect: "16:9" | "9:16" | "1:1" | "4:5";
  resolution: "720p" | "1080p" | "2160p";
  fps: "24" | "25" | "30";
  titleCardEnabled: boolean;
  titleCardText: string;
  titleCardSeconds: string;
  titleCardStyle: "plain" | "photo" | "colour";
  titleCardColour: string;
  titleCardSubtitle: string;
  /** `auto`: captions show when any chosen photo has one (the spec leaves `captions` out). */
  captions: "auto" | "on" | "off";
  musicAudioId: string;
  musicFadeOutSeconds: string;
  /** Move the cuts onto the music's beats (only sent with music). */
  musicCutOnBeat: boolean;
  quality: "draft" | "final";
}

/** The schema's defaults, as form values. */
export function defaultSpecForm(): SpecForm {
  return {
    title: "",
    slides: [],
    secondsPerPhoto: "3",
    transition: "fade",
    transitionSeconds: "0.5",
    kenBurns: false,
    fit: "cover",
    aspect: "16:9",
    resolution: "1080p",
    fps: "30",
    titleCardEnabled: false,
    titleCardText: "",
    titleCardSeconds: "2",
    titleCardStyle: "plain",
    titleCardColour: DEFAULT_TITLE_COLOUR,
    titleCardSubtitle: "",
    captions: "auto",
    musicAudioId: "",
    musicFadeOutSeconds: "2",
    musicCutOnBeat: false,
    quality: "final",
  };
}

/** Whether any boundary has a transition (not a cut): then "Transition seconds" matters. */
export function usesTransitions(f: Pick<SpecForm, "slides" | "transition">): boolean {
  return f.slides.slice(0, -1).some((s) => (s.transition ?? f.transition) !== "none");
}

/** "" -> NaN so the schema reports a missing number instead of silently using 0. */
const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

/** A photo's caption as the composer knows it (the video keeps the text it had when it was made). */
export type CaptionOf = (photoId: string) => string | null | undefined;

/** Form -> the API input. Optional parts are left out when the user did not ask for them. */
export function toSpecInput(f: SpecForm, captionOf: CaptionOf = () => undefined): VideoSpecInput {
  const title = f.title.trim();
  const subtitle = f.titleCardSubtitle.trim();
  const titleStyle = {
    ...(f.titleCardStyle === "plain" ? {} : { style: f.titleCardStyle }),
    ...(f.titleCardStyle === "colour" ? { colour: f.titleCardColour } : {}),
    ...(subtitle ? { subtitle } : {}),
  };
  return {
    ...(title ? { title } : {}),
    slides: f.slides.map((s, i) => {
      const caption = f.captions === "off" ? undefined : captionOf(s.photoId)?.trim();
      // The last slide has no next one: a transition kept from before a reorder is not sent.
      const transition = i < f.slides.length - 1 && s.transition ? { transition: s.transition } : {};
      return { photoId: s.photoId, ...(s.seconds.trim() === "" ? {} : { seconds: num(s.seconds) }), ...(caption ? { caption } : {}), ...transition };
    }),
    secondsPerPhoto: num(f.secondsPerPhoto),
    transition: f.transition,
    transitionSeconds: !usesTransitions(f) && f.transitionSeconds.trim() === "" ? 0.5 : num(f.transitionSeconds),
    kenBurns: f.kenBurns,
    fit: f.fit,
    aspect: f.aspect,
    resolution: f.resolution,
    fps: Number(f.fps) as 24 | 25 | 30,
    ...(f.titleCardEnabled ? { titleCard: { text: f.titleCardText, seconds: num(f.titleCardSeconds), ...titleStyle } } : {}),
    ...(f.captions === "auto" ? {} : { captions: f.captions === "on" }),
    ...(f.musicAudioId ? { music: { audioId: f.musicAudioId, fadeOutSeconds: num(f.musicFadeOutSeconds), ...(f.musicCutOnBeat ? { cutOnBeat: true } : {}) } } : {}),
    quality: f.quality,
  };
}

/** A saved video's spec -> form values (the watch page's "Edit" opens it in the composer as a new draft). */
export function fromSpec(spec: VideoSpec): SpecForm {
  return {
    title: spec.title ?? "",
    slides: spec.slides.map((s) => ({ photoId: s.photoId, seconds: s.seconds === undefined ? "" : String(s.seconds), ...(s.transition ? { transition: s.transition } : {}) })),
    secondsPerPhoto: String(spec.secondsPerPhoto),
    transition: spec.transition,
    transitionSeconds: String(spec.transitionSeconds),
    kenBurns: spec.kenBurns,
    fit: spec.fit,
    aspect: spec.aspect,
    resolution: spec.resolution,
    fps: String(spec.fps) as SpecForm["fps"],
    titleCardEnabled: Boolean(spec.titleCard),
    titleCardText: spec.titleCard?.text ?? "",
    titleCardSeconds: String(spec.titleCard?.seconds ?? 2),
    titleCardStyle: spec.titleCard?.style ?? "plain",
    titleCardColour: spec.titleCard?.colour ?? DEFAULT_TITLE_COLOUR,
    titleCardSubtitle: spec.titleCard?.subtitle ?? "",
    captions: spec.captions === undefined ? "auto" : spec.captions ? "on" : "off",
    musicAudioId: spec.music?.audioId ?? "",
    musicFadeOutSeconds: String(spec.music?.fadeOutSeconds ?? 2),
    musicCutOnBeat: spec.music?.cutOnBeat ?? false,
    quality: spec.quality,
  };
}

export type FieldErrors = Record<string, string>;

type Issue = { path: readonly PropertyKey[]; message: string; code: string; expected?: unknown; input?: unknown };

function friendly(i: Issue): string {
  if (i.code === "invalid_type" && i.expected === "number") return "enter a number";
  return i.message;
}

/** Zod issues -> one message per field path ("slides.2.seconds", "titleCard.text"); the first issue wins. */
export function issuesToFieldErrors(issues: readonly Issue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const k = i.path.map(String).join(".") || "_";
    out[k] ??= friendly(i);
  }
  return out;
}

/** Server `fieldErrors` (path -> messages) in the same shape. */
export function serverFieldErrors(fe: Record<string, string[]> | null | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(fe ?? {})) if (v[0]) out[k] = v[0];
  return out;
}

export type ValidatedSpec = { ok: true; spec: VideoSpec; input: VideoSpecInput; durationSeconds: number } | { ok: false; errors: FieldErrors; input: VideoSpecInput };

/** Validates exactly as the API will, so the user sees problems next to the field before sending. */
export function validateSpecForm(f: SpecForm, captionOf?: CaptionOf): ValidatedSpec {
  const input = toSpecInput(f, captionOf);
  const r = VideoSpecSchema.safeParse(input);
  if (!r.success) return { ok: false, input, errors: issuesToFieldErrors(r.error.issues as unknown as Issue[]) };
  return { ok: true, spec: r.data, input, durationSeconds: videoDuration(r.data) };
}

/** Moves one item; used by drag and drop and by the keyboard "move up/down" buttons. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= items.length) return [...items];
  const out = [...items];
  const [it] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(out.length, to)), 0, it as T);
  return out;
}
