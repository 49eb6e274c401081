import type { VideoSpec } from "@photoreel/contracts";
import { fromSpec, type FieldErrors, type SpecForm } from "./spec-form";

/** How a saved video opens in the composer: as itself to change (a new version), as a copy, or to fix a failure. */
export type ReopenMode = "edit" | "duplicate" | "fix";
export const REOPEN_MODES: readonly ReopenMode[] = ["edit", "duplicate", "fix"];

export interface ReopenInput {
  mode: ReopenMode;
  spec: VideoSpec;
  /** The video's title as its card shows it. */
  title: string | null;
  /** A FAILED video's error and the spec field it is about (VideoView.errorField), for "fix". */
  error?: string | null;
  errorField?: string | null;
  /** Whether a photo can still be used (not deleted, ready). */
  photoUsable: (photoId: string) => boolean;
  /** Whether the music track can still be chosen. */
  musicUsable: (audioId: string) => boolean;
  newKey: () => string;
}

export interface Reopened {
  form: SpecForm;
  /** What the user must know: photos left out, the failure to fix, that a new video will be made. */
  notice: string | null;
  /** Shown at their fields at once (the failing field of a FAILED video). */
  errors: FieldErrors;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A saved video's spec as a composer draft: deleted photos dropped (and said so), the failing field marked. */
export function reopenVideo(r: ReopenInput): Reopened {
  const kept: number[] = [];
  r.spec.slides.forEach((s, i) => r.photoUsable(s.photoId) && kept.push(i));
  const dropped = r.spec.slides.length - kept.length;
  const form = fromSpec({ ...r.spec, slides: kept.map((i) => r.spec.slides[i]!) });
  form.slides = form.slides.map((s) => ({ ...s, key: r.newKey() }));
  const name = r.title?.trim() || "Untitled video";
  if (r.mode === "duplicate") form.title = `${name} (copy)`;
  const notes: string[] = [];
  const errors: FieldErrors = {};
  if (r.mode === "edit") notes.push(`Editing “${name}”: creating makes a new video; the original stays in your videos until you delete it.`);
  if (dropped > 0) notes.push(`${plural(dropped, "photo was", "photos were")} deleted since this video was made and ${dropped === 1 ? "is" : "are"} left out.`);
  const musicGone = Boolean(form.musicAudioId) && !r.musicUsable(form.musicAudioId);
  if (musicGone) {
    form.musicAudioId = "";
    form.musicCutOnBeat = false;
    notes.push("Its music track was deleted; the video is set to no music. Choose another track if you like.");
  }
  if (r.mode === "fix" && r.error) {
    const field = r.errorField ? remapField(r.errorField, kept) : null;
    if (field) errors[field] = r.error;
    // A failure that is no field's, or about a photo that is now left out: say it above the form.
    else if (!(r.errorField?.startsWith("slides.") && dropped > 0)) notes.push(`This video failed: ${r.error}`);
  }
  return { form, notice: notes.length ? notes.join(" ") : null, errors };
}

/** "slides.3.photoId" after slides were left out: the same slide's new index, or null when it was left out. */
function remapField(field: string, kept: number[]): string | null {
  const m = /^slides\.(\d+)(\..+)?$/.exec(field);
  if (!m) return field;
  const at = kept.indexOf(Number(m[1]));
  return at < 0 ? null : `slides.${at}${m[2] ?? ""}`;
}
