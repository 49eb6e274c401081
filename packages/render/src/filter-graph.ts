import type { Transition } from "@photoreel/contracts";
import type { CaptionLayout, Piece, Timeline } from "@photoreel/timeline";
import type { Chunk } from "./chunks";


export interface TitleLayout {
  /** One text file per line (drawtext `textfile=` avoids escaping user text). */
  lineFiles: string[];
  fontFile: string;
  fontSize: number;
  /** What the text is drawn over; `plain` (black) when absent. */
  background?: { kind: "plain" } | { kind: "colour"; colour: string } | { kind: "photo" };
  /** drawtext's fontcolor; white when absent. */
  textColour?: string;
  /** A smaller line under the title (its own text file). */
  subtitle?: { file: string; fontFile: string; fontSize: number };
}

/** A slide's lower-third caption: its layout (packages/timeline) and one text file per line. */
export interface CaptionText {
  layout: CaptionLayout;
  lineFiles: string[];
  fontFile: string;
}

export interface GraphInput {
  /** Pre-scaled photo per slide, in slide order (the same file may serve several slides). */
  slideFiles: string[];
  title?: TitleLayout;
  /** Per slide (slide order), the caption drawn over it; none when absent. */
  captions?: (CaptionText | undefined)[];
}

export interface FilterGraph {
  /** The text for `-filter_complex_script`. */
  graph: string;
  /** Files to pass as inputs, in order; input k is `[k:v]`. */
  inputs: string[];
  /** Label of the video output (`-map "[out]"`). */
  output: string;
  frames: number;
}

const PLANES = ["y", "u", "v"] as const;

/**
 * Transitions that give the same picture when `xfade` runs on each plane of a yuv420p frame as a gray frame of its
 * own: they treat a pixel by its position relative to its plane's size, or not by position at all. FFmpeg 5.1's
 * xfade has no yuv420p mode, and the round trip through yuv444p cost 4.7 ms per 1080p transition frame against
 * 1.8 ms for the three planes (measured on a fade). Not in the set: `dissolve` (its per-pixel noise would differ
 * between luma and chroma), `fadeblack`/`fadewhite` (a gray plane's black is 0; chroma's is 128) and `pixelize`
 * (each block takes the colour at its centre, which lands on other photo pixels in a half-size chroma plane).
 */
const PLANAR_TRANSITIONS: ReadonlySet<Transition> = new Set<Transition>([
  "fade", "wipeleft", "wiperight", "slideleft", "slideright", "smoothleft", "smoothright",
  "circleopen", "circleclose", "radial", "zoomin",
]);

/**
 * Builds the filtergraph for one chunk. Each photo file is decoded once and held (`tpad` clones a reference, no
 * copy); only the transition frames go through `xfade` (per plane for PLANAR_TRANSITIONS; otherwise in yuv444p,
 * which FFmpeg 5.1's xfade needs, a photo converted once for all its xfade clips, as every conversion keeps its
 * own frame buffers for the run), and the pieces are joined with `concat`. Ken Burns slides are not drawn here
 * (writeKenBurnsFrames resamples them at sub-pixel windows); their title card is.
 */
export function buildFilterGraph(plan: Timeline, chunk: Chunk, input: GraphInput): FilterGraph {
  const { fps } = plan;
  if (plan.kenBurns && chunk.pieces.some((p) => p.kind !== "title")) throw new Error("Ken Burns slides are drawn by writeKenBurnsFrames");
  const lines: string[] = [];
  const inputs: string[] = [];
  const inputIndex = new Map<string, number>();
  // Each use of a photo in this chunk gets its own branch of one decoded frame, converted once per pixel format:
  // yuv420p for holds and planar transitions, yuv444p for the other xfade clips.
  const uses = new Map<number, Record<BranchFormat, string[]>>();
  const branch = (slide: number, format: BranchFormat): string => {
    const file = input.slideFiles[slide];
    if (file === undefined) throw new Error(`no photo for slide ${slide}`);
    let k = inputIndex.get(file);
    if (k === undefined) {
      k = inputs.length;
      inputs.push(file);
      inputIndex.set(file, k);
    }
    const byFormat = uses.get(k) ?? { yuv420p: [], yuv444p: [] };
    uses.set(k, byFormat);
    const label = `i${k}u${byFormat.yuv420p.length + byFormat.yuv444p.length}`;
    byFormat[format].push(label);
    return label;
  };
  const body: string[] = [];
  const segments: string[] = [];
  chunk.pieces.forEach((piece, p) => {
    const out = `p${p}`;
    segments.push(`[${out}]`);
    // A caption is drawn once on the slide's single decoded frame, before `tpad` clones it, so it costs one
    // frame's drawing per use and crossfades with its photo.
    const caption = (slide: number) => captionFilters(input.captions?.[slide]);
    if (piece.kind === "title") {
      const background = input.title?.background?.kind === "photo" ? `[${branch(0, "yuv420p")}]` : "";
      body.push(titleFilter(plan, piece.frames, input.title, background, out));
    } else if (piece.kind === "hold") {
      body.push(`[${branch(piece.slide, "yuv420p")}]${caption(piece.slide)}${hold(piece.frames)}[${out}]`);
    } else {
      const tf = piece.frames;
      // Each boundary may have its own transition, so the branch format is the piece's, not the video's.
      const xfadeFormat: BranchFormat = runsPerPlane(piece.transition) ? "yuv420p" : "yuv444p";
      const a0 = `[${branch(piece.slide, xfadeFormat)}]${caption(piece.slide)}${hold(tf)}`;
      const b0 = `[${branch(piece.slide + 1, xfadeFormat)}]${caption(piece.slide + 1)}${hold(tf)}`;
      body.push(...xfadeFilters(piece.transition, tf / fps, a0, b0, out));
    }
  });

  const fan = (labels: string[]) => `${labels.length === 1 ? "" : `,split=${labels.length}`}${labels.map((l) => `[${l}]`).join("")}`;
  for (const [k, byFormat] of uses) {
    const formats = (["yuv420p", "yuv444p"] as const).filter((f) => byFormat[f].length > 0);
    if (formats.length === 1) {
      lines.push(`[${k}:v]format=${formats[0]},setsar=1${fan(byFormat[formats[0]!])}`);
      continue;
    }
    lines.push(`[${k}:v]setsar=1,split=2[i${k}f420][i${k}f444]`);
    lines.push(`[i${k}f420]format=yuv420p${fan(byFormat.yuv420p)}`);
    lines.push(`[i${k}f444]format=yuv444p${fan(byFormat.yuv444p)}`);
  }
  lines.push(...body);
  lines.push(`${segments.join("")}concat=n=${segments.length}:v=1:a=0,settb=1/${fps},setpts=N[out]`);
  return { graph: lines.join(";\n") + "\n", inputs, output: "out", frames: chunk.frames };
}

type BranchFormat = "yuv420p" | "yuv444p";

/** Whether `xfade=transition` may run on each yuv420p plane (see PLANAR_TRANSITIONS); if not, its clips come as yuv444p. */
export const runsPerPlane = (transition: Transition) => PLANAR_TRANSITIONS.has(transition);

/**
 * Filters for the transition from clip `a` to clip `b` (filter chains ending in their clip, `seconds` long, yuv420p
 * when `runsPerPlane(transition)`, else yuv444p) into the yuv420p label `out`.
 */
export function xfadeFilters(transition: Transition, seconds: number, a: string, b: string, out: string): string[] {
  const xfade = `xfade=transition=${transition}:duration=${seconds.toFixed(6)}:offset=0`;
  if (!runsPerPlane(transition)) return [`${a}[${out}a]`, `${b}[${out}b]`, `[${out}a][${out}b]${xfade},format=yuv420p[${out}]`];
  const labels = (side: string) => PLANES.map((c) => `[${out}${side}${c}]`).join("");
  return [
    `${a},extractplanes=y+u+v${labels("a")}`,
    `${b},extractplanes=y+u+v${labels("b")}`,
    ...PLANES.map((c) => `[${out}a${c}][${out}b${c}]${xfade}[${out}${c}]`),
    `${labels("")}mergeplanes=0x001020:yuv420p[${out}]`,
  ];
}

/** A still photo held for `frames` frames (`tpad` clones the one decoded frame by reference). */
const hold = (frames: number) => `tpad=stop_mode=clone:stop=${frames - 1},setpts=N`;

/**
 * Filters (each ending in a comma) that draw a caption: a translucent black band across the frame, so any photo
 * behind it reads as dark, and each line centred on it in white with a soft shadow. Text comes from files
 * (`textfile=`, `expansion=none`): a caption is never parsed as filter syntax or as a drawtext expansion.
 */
export function captionFilters(caption: CaptionText | undefined): string {
  if (!caption) return "";
  const { layout, fontFile, lineFiles } = caption;
  const shadow = Math.max(1, Math.round(layout.fontSize / 16));
  const band = `drawbox=x=0:y=${layout.bandTop}:w=iw:h=${layout.bandHeight}:color=black@0.55:t=fill,`;
  const lines = lineFiles.map((file, i) => {
    const top = layout.lineTops[i]! + Math.round((layout.lineHeight - layout.fontSize) / 2);
    return (
      `drawtext=fontfile=${quote(fontFile)}:textfile=${quote(file)}:expansion=none:fontcolor=white:fontsize=${layout.fontSize}:` +
      `x=(w-text_w)/2:y=${top}:shadowcolor=black@0.7:shadowx=${shadow}:shadowy=${shadow},`
    );
  });
  return band + lines.join("");
}

/** The title card: its background (black, a colour, or `photo`, the first photo's branch, blurred and dimmed) and text fading in and out. */
function titleFilter(plan: Timeline, frames: number, title: TitleLayout | undefined, photo: string, out: string): string {
  const { width, height, fps } = plan;
  const seconds = frames / fps;
  const fade = Math.min(0.5, seconds / 4).toFixed(3);
  const alpha = `'if(lt(t,${fade}),t/${fade},if(gt(t,${(seconds - Number(fade)).toFixed(3)}),(${seconds.toFixed(3)}-t)/${fade},1))'`;
  const colour = title?.textColour ?? "white";
  const size = title?.fontSize ?? 0;
  // Over a photo, however dimmed, a bright patch can sit behind the text: a soft shadow keeps it readable.
  const offset = Math.max(1, Math.round(size / 20));
  const shadow = title?.background?.kind === "photo" ? `:shadowcolor=black@0.6:shadowx=${offset}:shadowy=${offset}` : "";
  const lineHeight = Math.round(size * 1.3);
  const lineFiles = title?.lineFiles ?? [];
  const sub = title?.subtitle;
  const subHeight = sub ? Math.round(sub.fontSize * 1.6) : 0;
  const blockTop = `(h-${lineHeight * lineFiles.length + subHeight})/2`;
  const texts = lineFiles.map((file, i) => {
    const top = `${blockTop}+${lineHeight * i}+(${lineHeight}-text_h)/2`;
    return (
      `,drawtext=fontfile=${quote(title!.fontFile)}:textfile=${quote(file)}:expansion=none:fontcolor=${colour}:` +
      `fontsize=${size}:x=(w-text_w)/2:y=${top}:alpha=${alpha}${shadow}`
    );
  });
  if (sub) {
    const top = `${blockTop}+${lineHeight * lineFiles.length}+(${subHeight}-text_h)/2`;
    texts.push(
      `,drawtext=fontfile=${quote(sub.fontFile)}:textfile=${quote(sub.file)}:expansion=none:fontcolor=${colour}@0.85:` +
        `fontsize=${sub.fontSize}:x=(w-text_w)/2:y=${top}:alpha=${alpha}${shadow}`,
    );
  }
  const bg = title?.background;
  let source: string;
  if (photo && bg?.kind === "photo") {
    // Blurred at a quarter of the size and scaled back: the soft look of a large blur for little work. In yuv444p,
    // as gblur's sigma counts each plane's own pixels and would wash a half-size chroma plane out to grey; dimmed
    // with eq (luma only), as drawbox's translucent black also greys the colours out.
    const small = `${even(width / 4)}:${even(height / 4)}`;
    source =
      `${photo}scale=${small}:force_original_aspect_ratio=increase,crop=${small},format=yuv444p,gblur=sigma=3,scale=${width}:${height},` +
      `eq=brightness=-0.12,format=yuv420p,setsar=1,${hold(frames)}`;
  } else {
    const c = bg?.kind === "colour" ? `0x${bg.colour.slice(1)}` : "black";
    source = `color=c=${c}:s=${width}x${height}:r=${fps},trim=end_frame=${frames},format=yuv420p,setsar=1`;
  }
  return `${source}${texts.join("")},setpts=N[${out}]`;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Quotes a file path for a filter option. Paths come from our workDir; anything odd is rejected, not escaped. */
export function quote(path: string): string {
  if (!/^[\w\-./ +@]+$/.test(path)) throw new Error(`unsafe path for a filtergraph: ${path}`);
  return `'${path}'`;
}

export type { Piece };
