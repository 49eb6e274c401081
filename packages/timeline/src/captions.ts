import type { Size } from "./geometry";

/**
 * Where a lower-third caption goes on a frame, in pixels: the same numbers drive the render's drawbox/drawtext and
 * the composer's preview. Text widths are estimated per character, on the wide side for DejaVu Sans (the font the
 * worker ships), so a line is never wider than `maxLineWidth` and so never reaches the frame's edge.
 */
export interface CaptionLayout {
  lines: string[];
  fontSize: number;
  lineHeight: number;
  /** The translucent band: full width, from `bandTop` to the bottom margin. */
  bandTop: number;
  bandHeight: number;
  /** Top of each line's box (the text is centred in it). */
  lineTops: number[];
  /** The widest a line may be (estimated): the frame less a side margin each way. */
  maxLineWidth: number;
}

export const CAPTION_MAX_LINES = 3;
/** A caption shrinks at most to this share of its normal size before it is cut short with an ellipsis. */
const MIN_SCALE = 0.7;

/**
 * Estimated advance of one character in ems. Generous: wide Latin capitals and CJK count as a full em, so real
 * text is narrower than the estimate. Measured with FFmpeg 5.1's drawtext and DejaVu Sans at 49 px, drawn width over
 * estimate: "WWWWWWWWWW" 0.98, "mmmmmmmmmm" 0.96, the alphabet 0.84-0.86, digits 0.80, "Lunch by the sea" 0.79,
 * Hebrew 0.77, Arabic 0.60, "—…“”" 0.87; the frame's 5% side margins are slack on top.
 */
export function charEms(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  const wide = [[0x1100, 0x115f], [0x2e80, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0x1f000, 0x10ffff]];
  if (wide.some(([a, b]) => c >= a! && c <= b!)) return 1;
  if (/[MWmw@%—…ŒÆœæ]/.test(ch)) return 1;
  if (/[A-Z0-9]/.test(ch)) return 0.78;
  if (/[ilj.,:;'|!]/.test(ch)) return 0.36;
  return 0.66;
}

export const textEms = (text: string) => [...text].reduce((a, ch) => a + charEms(ch), 0);

/**
 * Drops what the worker's font cannot draw and would show as empty boxes: emoji beyond the Basic Multilingual Plane
 * (DejaVu has none and FFmpeg 5.1's drawtext cannot draw colour emoji fonts), their joiners and variation selectors,
 * and control characters (a newline in a caption is a space).
 */
export function drawableText(text: string): string {
  return text
    .replace(/[\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/[\u200d\ufe0e\ufe0f\u20e3]/g, "")
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Greedy word wrap to `maxEms` per line; a word longer than a line is split between characters. */
export function wrapText(text: string, maxEms: number): string[] {
  const lines: string[] = [];
  let line = "";
  const fits = (s: string) => textEms(s) <= maxEms;
  for (const word of text.split(" ").filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    let rest = [...word];
    while (!fits(rest.join(""))) {
      let n = 1;
      while (n < rest.length && fits(rest.slice(0, n + 1).join(""))) n++;
      lines.push(rest.slice(0, n).join(""));
      rest = rest.slice(n);
    }
    line = rest.join("");
  }
  if (line) lines.push(line);
  return lines;
}

/** Font size for a caption on this frame: ~4.5% of the height, but no more than 5% of the width (tall frames). */
export function captionFontSize(frame: Size): number {
  return Math.max(10, Math.round(Math.min(frame.height * 0.045, frame.width * 0.05)));
}

/**
 * Lays a caption out as a lower third: wrapped to the frame less 5% margins, at most CAPTION_MAX_LINES lines (the
 * font shrinks to MIN_SCALE first, then the last line ends in "…"). Null when nothing drawable is left.
 */
export function captionLayout(caption: string, frame: Size): CaptionLayout | null {
  const text = drawableText(caption);
  if (!text) return null;
  const margin = Math.round(frame.width * 0.05);
  const maxLineWidth = frame.width - 2 * margin;
  const base = captionFontSize(frame);
  let fontSize = base;
  let lines = wrapText(text, maxLineWidth / fontSize);
  while (lines.length > CAPTION_MAX_LINES && fontSize > Math.ceil(base * MIN_SCALE)) {
    fontSize--;
    lines = wrapText(text, maxLineWidth / fontSize);
  }
  if (lines.length > CAPTION_MAX_LINES) {
    lines = lines.slice(0, CAPTION_MAX_LINES);
    let last = [...lines[CAPTION_MAX_LINES - 1]!];
    while (last.length > 0 && textEms(`${last.join("")}…`) > maxLineWidth / fontSize) last = last.slice(0, -1);
    lines[CAPTION_MAX_LINES - 1] = `${last.join("").trimEnd()}…`;
  }
  const lineHeight = Math.round(fontSize * 1.35);
  const pad = Math.round(fontSize * 0.5);
  const bottom = Math.round(frame.height * 0.06);
  const bandHeight = lines.length * lineHeight + 2 * pad;
  const bandTop = frame.height - bottom - bandHeight;
  return { lines, fontSize, lineHeight, bandTop, bandHeight, lineTops: lines.map((_, i) => bandTop + pad + i * lineHeight), maxLineWidth };
}
