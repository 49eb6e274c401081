import { writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_TITLE_COLOUR, type VideoSpec } from "@photoreel/contracts";
import { captionLayout, textColourOn, wrapTitle } from "@photoreel/timeline";
import type { CaptionText, TitleLayout } from "./filter-graph";

type TitleCard = NonNullable<VideoSpec["titleCard"]>;

/**
 * Writes one text file per line into workDir and sizes the font so the longest line fits the frame; the card's
 * style picks the background and a text colour that reads on it. The subtitle is one line at about half the size.
 */
export async function layoutTitle(
  card: Pick<TitleCard, "text"> & Partial<Pick<TitleCard, "style" | "colour" | "subtitle">>,
  frame: { width: number; height: number },
  workDir: string,
  fontFile: string,
  subtitleFontFile = fontFile,
): Promise<TitleLayout> {
  const lines = wrapTitle(card.text);
  const longest = Math.max(...lines.map((l) => l.length), 1);
  // DejaVu Sans Bold averages ~0.65 em per character.
  const fontSize = Math.max(8, Math.floor(Math.min(frame.height / 10, (frame.width * 0.9) / (longest * 0.65), (frame.height * 0.8) / (lines.length * 1.3))));
  const lineFiles: string[] = [];
  for (const [i, line] of lines.entries()) {
    const file = path.join(workDir, `title-${i}.txt`);
    await writeFile(file, line);
    lineFiles.push(file);
  }
  const style = card.style ?? "plain";
  const colour = card.colour ?? DEFAULT_TITLE_COLOUR;
  if (!/^#[0-9a-fA-F]{6}$/.test(colour)) throw new Error(`not a colour: ${colour}`);
  const layout: TitleLayout = {
    lineFiles,
    fontFile,
    fontSize,
    background: style === "colour" ? { kind: "colour", colour } : { kind: style },
    textColour: style === "colour" ? textColourOn(colour) : "white",
  };
  const subtitle = card.subtitle ? wrapTitle(card.subtitle, 48, 1)[0] : undefined;
  if (subtitle) {
    const file = path.join(workDir, "title-subtitle.txt");
    await writeFile(file, subtitle);
    const size = Math.max(8, Math.floor(Math.min(fontSize * 0.55, (frame.width * 0.9) / (subtitle.length * 0.62))));
    layout.subtitle = { file, fontFile: subtitleFontFile, fontSize: size };
  }
  return layout;
}

/** Lays out each slide's caption (packages/timeline) and writes its lines to files; undefined for a slide without one. */
export async function writeCaptions(
  captions: readonly (string | undefined)[],
  frame: { width: number; height: number },
  workDir: string,
  fontFile: string,
): Promise<(CaptionText | undefined)[]> {
  const byText = new Map<string, CaptionText | undefined>();
  const out: (CaptionText | undefined)[] = [];
  for (const text of captions) {
    if (!text) {
      out.push(undefined);
      continue;
    }
    if (!byText.has(text)) {
      const layout = captionLayout(text, frame);
      let caption: CaptionText | undefined;
      if (layout) {
        const n = byText.size;
        const lineFiles = await Promise.all(
          layout.lines.map(async (line, i) => {
            const file = path.join(workDir, `caption-${n}-${i}.txt`);
            await writeFile(file, line);
            return file;
          }),
        );
        caption = { layout, lineFiles, fontFile };
      }
      byText.set(text, caption);
    }
    out.push(byText.get(text));
  }
  return out;
}
