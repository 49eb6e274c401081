import { pieces, type Piece, type Timeline } from "@photoreel/timeline";

/** One FFmpeg run's share of the video: a list of pieces. */
export interface Chunk {
  index: number;
  /** First output frame of the chunk in the whole video. */
  startFrame: number;
  frames: number;
  pieces: Piece[];
}

/**
 * Splits the video into chunks of about `maxSlides` slides each, so one FFmpeg run never holds many photos.
 * A chunk boundary always falls in the middle of a hold (a still or Ken Burns solo part), never inside a transition:
 * both sides render the same deterministic frames, so joining the encoded chunks is an invisible cut.
 */
export function planChunks(plan: Timeline, maxSlides: number): Chunk[] {
  const all = pieces(plan);
  const chunks: Chunk[] = [];
  let current: Piece[] = [];
  let slides = new Set<number>();
  let startFrame = 0;
  const flush = () => {
    const frames = current.reduce((a, p) => a + p.frames, 0);
    chunks.push({ index: chunks.length, startFrame, frames, pieces: current });
    startFrame += frames;
    current = [];
    slides = new Set();
  };
  for (const piece of all) {
    if (piece.kind === "hold" && slides.size >= maxSlides) {
      const first = Math.floor(piece.frames / 2);
      if (slides.has(piece.slide) && first > 0) {
        // The chunk already shows this slide (its transition in): cut mid-hold.
        current.push({ ...piece, frames: first });
        flush();
        current.push({ ...piece, from: piece.from + first, frames: piece.frames - first });
      } else {
        flush();
        current.push(piece);
      }
      slides.add(piece.slide);
      continue;
    }
    current.push(piece);
    if (piece.kind === "hold") slides.add(piece.slide);
    if (piece.kind === "transition") slides.add(piece.slide).add(piece.slide + 1);
  }
  if (current.length > 0) flush();
  return chunks;
}
