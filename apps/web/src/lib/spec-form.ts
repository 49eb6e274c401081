import { VideoSpecSchema, videoDuration, type Transition, type VideoSpec, type VideoSpecInput } from "@photoreel/contracts";

/** The composer's form state: text inputs stay strings until mapped, so a half-typed number is not lost. */
export interface SpecForm {
  title: string;
  /** `key` identifies a slide in the list (the same photo may appear twice). */
  slides: { key?: string; photoId: string; seconds: string }[];
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
  musicAudioId: string;
  musicFadeOutSeconds: string;
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
    musicAudioId: "",
    musicFadeOutSeconds: "2",
    quality: "final",
  };
}

/** "" -> NaN so the schema reports a missing number instead of silently using 0. */
const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

/** Form -> the API input. Optional parts are left out when the user did not ask for them. */
export function toSpecInput(f: SpecForm): VideoSpecInput {
  const title = f.title.trim();
  return {
    ...(title ? { title } : {}),
    slides: f.slides.map((s) => (s.seconds.trim() === "" ? { photoId: s.photoId } : { photoId: s.photoId, seconds: num(s.seconds) })),
    secondsPerPhoto: num(f.secondsPerPhoto),
    transition: f.transition,
    transitionSeconds: f.transition === "none" && f.transitionSeconds.trim() === "" ? 0.5 : num(f.transitionSeconds),
    kenBurns: f.kenBurns,
    fit: f.fit,
    aspect: f.aspect,
    resolution: f.resolution,
    fps: Number(f.fps) as 24 | 25 | 30,
    ...(f.titleCardEnabled ? { titleCard: { text: f.titleCardText, seconds: num(f.titleCardSeconds) } } : {}),
    ...(f.musicAudioId ? { music: { audioId: f.musicAudioId, fadeOutSeconds: num(f.musicFadeOutSeconds) } } : {}),
    quality: f.quality,
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
export function validateSpecForm(f: SpecForm): ValidatedSpec {
  const input = toSpecInput(f);
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
