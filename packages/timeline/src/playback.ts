import type { VideoSpec } from "@photoreel/contracts";
import type { Size } from "./geometry";
import type { Timeline } from "./plan";

/**
 * Numbers a player needs beyond the plan: where a slide starts, the music's fade-out gain and the title card's text
 * layout and fade. The render's mux (afade) and title filter follow the same rules; they live here so a live preview
 * takes them from the one timeline module instead of copying them.
 */

/** The output frame (title included) on which slide `slide` first appears. */
export function slideStartFrame(plan: Timeline, slide: number): number {
  const s = plan.slides[slide];
  if (!s) throw new RangeError(`no slide ${slide}`);
  return plan.titleFrames + s.start;
}

/** The first output frame on which slide `slide` is on screen alone (its transition in is over). */
export function slideShownFrame(plan: Timeline, slide: number): number {
  // Each boundary has its own transition (a per-slide cut takes no frames).
  return slideStartFrame(plan, slide) + (plan.boundaries[slide - 1]?.frames ?? 0);
}

/**
 * The music's gain at `seconds` into a video `duration` long: 1, then a linear fade to 0 over the last
 * `fadeOutSeconds` (FFmpeg's `afade=t=out` default curve), as the render's mux applies it.
 */
export function musicGain(seconds: number, duration: number, fadeOutSeconds: number): number {
  if (seconds >= duration) return 0;
  const fade = Math.min(fadeOutSeconds, duration);
  if (fade <= 0) return 1;
  const start = duration - fade;
  return seconds <= start ? 1 : Math.max(0, Math.min(1, (duration - seconds) / fade));
}

/**
 * The title text's opacity on frame `frame` of a title card `frames` long: it fades in and out over
 * min(0.5 s, a quarter of the card), as the render's drawtext alpha expression does.
 */
export function titleTextAlpha(frame: number, frames: number, fps: number): number {
  const seconds = frames / fps;
  const t = frame / fps;
  const fade = Math.min(0.5, seconds / 4);
  if (t < fade) return t / fade;
  if (t > seconds - fade) return Math.max(0, (seconds - t) / fade);
  return 1;
}

/** Word-wraps a title into at most `maxLines` lines of about `width` characters (long words are split). */
export function wrapTitle(text: string, width = 24, maxLines = 4): string[] {
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = "";
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, width - 1)}…`;
    return kept;
  }
  return lines;
}

export interface TitleTextLayout {
  lines: string[];
  fontSize: number;
  lineHeight: number;
  subtitle?: { text: string; fontSize: number; lineHeight: number };
  /** Top of the text block (lines then subtitle), centred on the frame. */
  blockTop: number;
}

/**
 * How a title card's text sits on a frame: wrapped, sized so the longest line fits (DejaVu Sans Bold averages
 * ~0.65 em per character), the subtitle one line at about half the size, the block centred vertically.
 */
export function titleTextLayout(card: Pick<NonNullable<VideoSpec["titleCard"]>, "text"> & { subtitle?: string }, frame: Size): TitleTextLayout {
  const lines = wrapTitle(card.text);
  const longest = Math.max(...lines.map((l) => l.length), 1);
  const fontSize = Math.max(8, Math.floor(Math.min(frame.height / 10, (frame.width * 0.9) / (longest * 0.65), (frame.height * 0.8) / (lines.length * 1.3))));
  const lineHeight = Math.round(fontSize * 1.3);
  const sub = card.subtitle ? wrapTitle(card.subtitle, 48, 1)[0] : undefined;
  const subtitle = sub
    ? (() => {
        const size = Math.max(8, Math.floor(Math.min(fontSize * 0.55, (frame.width * 0.9) / (sub.length * 0.62))));
        return { text: sub, fontSize: size, lineHeight: Math.round(size * 1.6) };
      })()
    : undefined;
  const blockTop = (frame.height - (lineHeight * lines.length + (subtitle?.lineHeight ?? 0))) / 2;
  return { lines, fontSize, lineHeight, ...(subtitle ? { subtitle } : {}), blockTop };
}
