/** Human-readable byte size: 0 B, 512 B, 1.5 KB, 20.0 MB, 1.2 GB (1024-based, like file managers). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "–";
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Upload speed from bytes per second. */
export function formatSpeed(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return "";
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** Seconds as m:ss (or h:mm:ss); fractions are rounded. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** A short "about 2 min left" style ETA; null when unknown. */
export function formatEta(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 5) return "a few seconds left";
  if (seconds < 60) return `about ${Math.round(seconds / 5) * 5} s left`;
  const m = Math.round(seconds / 60);
  return `about ${m} min left`;
}

/** Progress (0..100, as the API reports it) as a whole, clamped percentage. */
export function formatPercent(progress: number): string {
  if (!Number.isFinite(progress)) return "0%";
  return `${Math.max(0, Math.min(100, Math.round(progress)))}%`;
}

const dateFmt = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
/** Date and time in the user's time zone; "–" for missing or invalid input. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "–" : dateFmt.format(d);
}

/** Seconds with at most one decimal: 3 -> "3 s", 2.5 -> "2.5 s". */
export function formatSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "–";
  return `${Math.round(s * 10) / 10} s`;
}

/** "Canon" + "Canon EOS R6" reads "Canon EOS R6", not "Canon Canon EOS R6"; null when the camera is not recorded. */
export function cameraName(make: string | null, model: string | null): string | null {
  const mk = make?.trim() ?? "";
  const md = model?.trim() ?? "";
  if (!mk && !md) return null;
  if (mk && md.toLowerCase().startsWith(mk.toLowerCase())) return md;
  return [mk, md].filter(Boolean).join(" ");
}
