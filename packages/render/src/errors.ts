/** The input itself is bad (a photo or the music cannot be decoded): retrying cannot help; tell the user. */
export class RenderInputError extends Error {
  override name = "RenderInputError";
  /** 1-based position of the offending photo in the slide list, when a photo is to blame. */
  photoIndex?: number;
  /** The spec field to blame when it is not a photo, as a dotted path (e.g. "music.audioId"). */
  field?: string;
  constructor(message: string, opts: { photoIndex?: number; field?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    if (opts.photoIndex !== undefined) this.photoIndex = opts.photoIndex;
    if (opts.field !== undefined) this.field = opts.field;
  }
}

/**
 * An FFmpeg run went past the time its output can need (see budget.ts) and was killed. Final like bad input:
 * rendering the same job again would only burn the same time.
 */
export class RenderBudgetError extends RenderInputError {
  override name = "RenderBudgetError";
  constructor(step: string, budgetMs: number) {
    super(
      `Rendering was stopped: ${step} took longer than the ${Math.round(budgetMs / 1000)} s it may take. ` +
        "Retry the video; if it stops again, use fewer photos, shorter slides or a lower resolution.",
    );
  }
}

export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("The render was aborted", "AbortError");
}
