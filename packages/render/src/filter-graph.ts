import type { Transition } from "@photoreel/contracts";
import type { Chunk, Piece, RenderPlan } from "./timeline";

/** Ken Burns photos are pre-scaled to this multiple of the output size so the pan/zoom never upscales. */
export const KEN_BURNS_SCALE = 1.5;
const KEN_BURNS_ZOOM = 1.15;

export interface TitleLayout {
  /** One text file per line (drawtext `textfile=` avoids escaping user text). */
  lineFiles: string[];
  fontFile: string;
  fontSize: number;
}

export interface GraphInput {
  /** Pre-scaled photo per slide, in slide order (the same file may serve several slides). */
  slideFiles: string[];
  title?: TitleLayout;
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
 * own frame buffers for the run), and the pieces are joined with `concat`. Ken Burns pieces are `zoompan` clips of
 * the pre-scaled photo, each starting at its offset in the slide, so a slide split over two chunks moves
 * continuously.
 */
export function buildFilterGraph(plan: RenderPlan, chunk: Chunk, input: GraphInput): FilterGraph {
  const { fps } = plan;
  const lines: string[] = [];
  const inputs: string[] = [];
  const inputIndex = new Map<string, number>();
  // Each use of a photo in this chunk gets its own branch of one decoded frame, converted once per pixel format:
  // yuv420p for holds, Ken Burns and planar transitions, yuv444p for the other xfade clips of still photos.
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
  const planar = PLANAR_TRANSITIONS.has(plan.transition);
  const xfadeFormat: BranchFormat = plan.kenBurns || planar ? "yuv420p" : "yuv444p";
  const to444 = !planar;

  const body: string[] = [];
  const segments: string[] = [];
  chunk.pieces.forEach((piece, p) => {
    const out = `p${p}`;
    segments.push(`[${out}]`);
    if (piece.kind === "title") {
      body.push(titleFilter(plan, piece.frames, input.title, out));
    } else if (piece.kind === "hold") {
      body.push(`[${branch(piece.slide, "yuv420p")}]${clip(plan, piece.slide, piece.from, piece.frames, false)}[${out}]`);
    } else {
      const a = plan.slides[piece.slide]!;
      const tf = piece.frames;
      const seconds = (tf / fps).toFixed(6);
      const xfade = `xfade=transition=${plan.transition}:duration=${seconds}:offset=0`;
      const a0 = `[${branch(piece.slide, xfadeFormat)}]${clip(plan, piece.slide, a.frames - tf, tf, to444)}`;
      const b0 = `[${branch(piece.slide + 1, xfadeFormat)}]${clip(plan, piece.slide + 1, 0, tf, to444)}`;
      if (planar) {
        const labels = (side: string) => PLANES.map((c) => `[${out}${side}${c}]`).join("");
        body.push(`${a0},extractplanes=y+u+v${labels("a")}`, `${b0},extractplanes=y+u+v${labels("b")}`);
        for (const c of PLANES) body.push(`[${out}a${c}][${out}b${c}]${xfade}[${out}${c}]`);
        body.push(`${labels("")}mergeplanes=0x001020:yuv420p[${out}]`);
      } else {
        body.push(`${a0}[${out}a]`, `${b0}[${out}b]`, `[${out}a][${out}b]${xfade},format=yuv420p[${out}]`);
      }
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

/**
 * Frames [from, from+frames) of a slide's clip, from a branch already in its format (a still photo's yuv444p xfade
 * clips come in as yuv444p; Ken Burns clips are converted after zoompan when `to444`).
 */
function clip(plan: RenderPlan, slide: number, from: number, frames: number, to444: boolean): string {
  if (!plan.kenBurns) return `tpad=stop_mode=clone:stop=${frames - 1},setpts=N`;
  const convert = to444 ? "format=yuv444p," : "";
  const total = plan.slides[slide]!.frames;
  const m = kenBurnsMotion(slide);
  const p = `((on+${from})/${Math.max(1, total - 1)})`;
  const z = `${m.z0}+${(m.z1 - m.z0).toFixed(4)}*${p}`;
  const x = `(iw-iw/zoom)*(${m.x0}+${(m.x1 - m.x0).toFixed(4)}*${p})`;
  const y = `(ih-ih/zoom)*(${m.y0}+${(m.y1 - m.y0).toFixed(4)}*${p})`;
  return (
    `zoompan=z='${z}':x='${x}':y='${y}':d=${frames}:s=${plan.width}x${plan.height}:fps=${plan.fps},` +
    `setsar=1,${convert}setpts=N`
  );
}

/** Alternates zoom in/out and the pan direction so consecutive slides never move the same way. */
export function kenBurnsMotion(slide: number): { z0: number; z1: number; x0: number; x1: number; y0: number; y1: number } {
  const zoomIn = slide % 2 === 0;
  const [z0, z1] = zoomIn ? [1, KEN_BURNS_ZOOM] : [KEN_BURNS_ZOOM, 1];
  const pans = [
    [0.2, 0.8, 0.5, 0.5],
    [0.8, 0.2, 0.3, 0.7],
    [0.5, 0.5, 0.2, 0.8],
    [0.7, 0.3, 0.7, 0.3],
  ] as const;
  const [x0, x1, y0, y1] = pans[slide % pans.length]!;
  return { z0, z1, x0, x1, y0, y1 };
}

function titleFilter(plan: RenderPlan, frames: number, title: TitleLayout | undefined, out: string): string {
  const { width, height, fps } = plan;
  const seconds = frames / fps;
  const fade = Math.min(0.5, seconds / 4).toFixed(3);
  const alpha = `'if(lt(t,${fade}),t/${fade},if(gt(t,${(seconds - Number(fade)).toFixed(3)}),(${seconds.toFixed(3)}-t)/${fade},1))'`;
  const texts = (title?.lineFiles ?? []).map((file, i, all) => {
    const size = title!.fontSize;
    const lineHeight = Math.round(size * 1.3);
    const top = `(h-${lineHeight * all.length})/2+${lineHeight * i}+(${lineHeight}-text_h)/2`;
    return (
      `,drawtext=fontfile=${quote(title!.fontFile)}:textfile=${quote(file)}:expansion=none:fontcolor=white:` +
      `fontsize=${size}:x=(w-text_w)/2:y=${top}:alpha=${alpha}`
    );
  });
  return `color=c=black:s=${width}x${height}:r=${fps},trim=end_frame=${frames},format=yuv420p,setsar=1${texts.join("")},setpts=N[${out}]`;
}

/** Quotes a file path for a filter option. Paths come from our workDir; anything odd is rejected, not escaped. */
export function quote(path: string): string {
  if (!/^[\w\-./ +@]+$/.test(path)) throw new Error(`unsafe path for a filtergraph: ${path}`);
  return `'${path}'`;
}

export type { Piece };
