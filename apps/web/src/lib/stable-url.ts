/**
 * Presigned URLs change on every list call (the signature carries the time). Polling would then reload every
 * thumbnail and restart every playing video, so the first URL for a thing is kept while it is still comfortably valid.
 */
const cache = new Map<string, { url: string; at: number }>();

export function stableUrl(key: string, url: string | null | undefined, maxAgeMs = 10 * 60_000, now = Date.now()): string | null {
  if (!url) return null;
  const hit = cache.get(key);
  if (hit && now - hit.at < maxAgeMs) return hit.url;
  cache.set(key, { url, at: now });
  return url;
}
