/** The player's clock, frame by frame: pure, so the loop and seek rules are unit tested. */

export const clampFrame = (frame: number, total: number) => Math.min(Math.max(0, Math.round(frame)), Math.max(0, total - 1));

/**
 * Where playback started at `startFrame` at time `startedAt` (ms) is at `now`: the frame, and whether it reached the
 * end (when not looping, it stops on the last frame).
 */
export function playheadAt(startFrame: number, startedAt: number, now: number, fps: number, total: number, loop: boolean): { frame: number; ended: boolean } {
  const f = startFrame + Math.floor(((now - startedAt) / 1000) * fps + 1e-6);
  if (f < total) return { frame: Math.max(0, f), ended: false };
  if (loop && total > 0) return { frame: f % total, ended: false };
  return { frame: Math.max(0, total - 1), ended: true };
}

/** "m:ss.t" for a frame, e.g. 0:03.4 */
export function formatTime(frame: number, fps: number): string {
  const tenths = Math.floor((frame / fps) * 10 + 1e-6);
  const m = Math.floor(tenths / 600);
  const s = Math.floor((tenths % 600) / 10);
  return `${m}:${String(s).padStart(2, "0")}.${tenths % 10}`;
}

/** The preview's drawing size: the output's aspect, as wide as the box's device pixels, never above the output. */
export function previewSize(output: { width: number; height: number }, boxCssWidth: number, dpr: number): { width: number; height: number } {
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  const width = Math.min(output.width, even(boxCssWidth * dpr));
  return { width, height: even((width * output.height) / output.width) };
}

/** Where in the music video time `t` falls: the render loops a track shorter than the video from its start. */
export function trackTime(t: number, trackSeconds: number): number {
  return Number.isFinite(trackSeconds) && trackSeconds > 0 ? t % trackSeconds : t;
}
