import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import type { Size } from "@photoreel/timeline";
import { runFfmpeg } from "./ffmpeg";
import { captionFilters, type CaptionText } from "./filter-graph";

/**
 * A caption as a per-pixel blend for packed yuv420p frames, for frames that never pass through a filtergraph (Ken
 * Burns): every sample in the band becomes `sample * keep + add`. Measured, not re-implemented: FFmpeg draws the
 * caption (the same drawbox/drawtext as the still path) over two flat frames whose every plane differs, and since
 * drawbox and drawtext blend each plane linearly, the two results give `keep` and `add` for each sample.
 */
export interface CaptionOverlay {
  /** Byte ranges of the frame the caption touches (its band's rows in each plane). */
  spans: { start: number; keep: Uint16Array; add: Int32Array }[];
}

const LOW = 16;
const HIGH = 235;

export async function captionOverlay(
  caption: CaptionText,
  frame: Size,
  workDir: string,
  name: string,
  opts: { signal?: AbortSignal; onSpawn?: (pid: number) => void },
): Promise<CaptionOverlay> {
  const { width: w, height: h } = frame;
  const size = w * h * 1.5;
  const input = new PassThrough();
  input.end(Buffer.concat([Buffer.alloc(size, LOW), Buffer.alloc(size, HIGH)]));
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      parts.push(chunk);
      done();
    },
  });
  const graphFile = path.join(workDir, `${name}.filtergraph`);
  await writeFile(graphFile, `[0:v]${captionFilters(caption)}null[c]\n`);
  await runFfmpeg(
    [
      "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", `${w}x${h}`, "-framerate", "1", "-i", "pipe:0",
      "-filter_complex_script", graphFile, "-map", "[c]", "-frames:v", "2", "-fps_mode", "passthrough",
      "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1",
    ],
    { ...opts, stdin: input, stdout: sink, step: "drawing a caption" },
  );
  const out = Buffer.concat(parts);
  if (out.length !== 2 * size) throw new Error(`caption overlay: expected ${2 * size} bytes, got ${out.length}`);
  const low = out.subarray(0, size);
  const high = out.subarray(size);
  // The band's rows, from an even row so the chroma rows line up; one row of slack for drawtext's shadow.
  const top = Math.max(0, Math.floor((caption.layout.bandTop - 2) / 2) * 2);
  const bottom = Math.min(h, caption.layout.bandTop + caption.layout.bandHeight + 2);
  const chroma = (w / 2) * (h / 2);
  const ranges = [
    [top * w, bottom * w],
    [w * h + (top / 2) * (w / 2), w * h + Math.ceil(bottom / 2) * (w / 2)],
    [w * h + chroma + (top / 2) * (w / 2), w * h + chroma + Math.ceil(bottom / 2) * (w / 2)],
  ] as const;
  const spans = ranges.map(([start, end]) => {
    // Fixed point (x256) so applying it is integer work: a 1080p band is ~0.5 M samples a frame.
    const keep = new Uint16Array(end - start);
    const add = new Int32Array(end - start);
    for (let i = 0; i < keep.length; i++) {
      const k = Math.min(1, Math.max(0, (high[start + i]! - low[start + i]!) / (HIGH - LOW)));
      keep[i] = Math.round(k * 256);
      add[i] = Math.round((low[start + i]! - LOW * k) * 256) + 128;
    }
    return { start, keep, add };
  });
  return { spans };
}

/** Draws the caption into a packed yuv420p frame, in place. */
export function applyCaption(frame: Buffer, overlay: CaptionOverlay): void {
  for (const { start, keep, add } of overlay.spans) {
    for (let i = 0; i < keep.length; i++) {
      const v = (frame[start + i]! * keep[i]! + add[i]!) >> 8;
      frame[start + i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}
