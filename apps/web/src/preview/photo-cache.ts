import type { Photo } from "./draw-frame";

/**
 * Decoded 1600-px previews by photo id, kept for the page's life: reopening the composer, or adding a photo back,
 * draws at once. CORS mode, so the canvas stays readable (the bucket's CORS rule allows the app's origin).
 */
const decoded = new Map<string, Photo>();
const pending = new Map<string, Promise<Photo | null>>();

export const cachedPhoto = (id: string): Photo | undefined => decoded.get(id);

/** `priority`: "high" for what the frame on screen needs, so its download goes ahead of the page's thumbnails. */
export function loadPhoto(id: string, url: string, priority: "high" | "auto" = "auto"): Promise<Photo | null> {
  const hit = decoded.get(id);
  if (hit) return Promise.resolve(hit);
  let p = pending.get(id);
  if (!p) {
    const load = (cors: boolean) => {
      const img = new Image();
      if (cors) img.crossOrigin = "anonymous";
      img.decoding = "async";
      img.fetchPriority = priority;
      img.src = url;
      return img.decode().then(() => img);
    };
    // Without the bucket's CORS rule for this origin the photo still shows (the canvas is then unreadable, which only
    // the bench and the tests need).
    p = load(true)
      .catch(() => load(false))
      .then(
        (img) => (decoded.set(id, img), img),
        () => null,
      );
    p.finally(() => pending.delete(id));
    pending.set(id, p);
  }
  return p;
}
