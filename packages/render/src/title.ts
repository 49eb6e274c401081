import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { TitleLayout } from "./filter-graph";

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

/** Writes one text file per line into workDir and sizes the font so the longest line fits the frame. */
export async function layoutTitle(
  text: string,
  frame: { width: number; height: number },
  workDir: string,
  fontFile: string,
): Promise<TitleLayout> {
  const lines = wrapTitle(text);
  const longest = Math.max(...lines.map((l) => l.length), 1);
  // DejaVu Sans Bold averages ~0.65 em per character.
  const fontSize = Math.max(8, Math.floor(Math.min(frame.height / 10, (frame.width * 0.9) / (longest * 0.65), (frame.height * 0.8) / (lines.length * 1.3))));
  const lineFiles: string[] = [];
  for (const [i, line] of lines.entries()) {
    const file = path.join(workDir, `title-${i}.txt`);
    await writeFile(file, line);
    lineFiles.push(file);
  }
  return { lineFiles, fontFile, fontSize };
}
