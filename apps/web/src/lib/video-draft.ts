import { defaultSpecForm, type SpecForm } from "./spec-form";

/**
 * The video being composed, kept for the tab (sessionStorage) so the library's viewer can add photos to it while the
 * composer is not open. The composer reads and writes it through these functions only.
 */
const STORE = "photoreel.composer";
/** A video takes at most this many photos (VideoSpecSchema's limit). */
export const MAX_SLIDES = 100;

let keySeq = 0;
export const newSlideKey = () => `s${Date.now().toString(36)}${++keySeq}`;

const listeners = new Set<() => void>();

export function loadDraft(): SpecForm {
  try {
    const raw = sessionStorage.getItem(STORE);
    if (raw) return { ...defaultSpecForm(), ...(JSON.parse(raw) as Partial<SpecForm>) };
  } catch {
    /* a corrupt draft is simply dropped */
  }
  return defaultSpecForm();
}

export function saveDraft(form: SpecForm): void {
  sessionStorage.setItem(STORE, JSON.stringify(form));
  listeners.forEach((l) => l());
}

export function clearDraft(): void {
  sessionStorage.removeItem(STORE);
  listeners.forEach((l) => l());
}

/** For useSyncExternalStore: the draft's photo ids, as one string so an unchanged draft is an unchanged snapshot. */
export const draftPhotoIds = () => loadDraft().slides.map((s) => s.photoId).join(",");
export function subscribeDraft(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Adds the photo at the end of the draft, or takes it out again; false when the draft is already full. */
export function toggleInDraft(photoId: string): boolean {
  const form = loadDraft();
  const has = form.slides.some((s) => s.photoId === photoId);
  if (!has && form.slides.length >= MAX_SLIDES) return false;
  saveDraft({ ...form, slides: has ? form.slides.filter((s) => s.photoId !== photoId) : [...form.slides, { key: newSlideKey(), photoId, seconds: "" }] });
  return true;
}
