/** The input itself is bad (a photo or the music cannot be decoded): retrying cannot help; tell the user. */
export class RenderInputError extends Error {
  override name = "RenderInputError";
  /** 1-based position of the offending photo in the slide list, when a photo is to blame. */
  photoIndex?: number;
  constructor(message: string, opts: { photoIndex?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    if (opts.photoIndex !== undefined) this.photoIndex = opts.photoIndex;
  }
}

export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("The render was aborted", "AbortError");
}
