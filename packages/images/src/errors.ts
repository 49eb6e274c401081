export type PhotoRejectionCode =
  | "EMPTY"
  | "FILE_TOO_LARGE"
  | "NOT_A_PHOTO"
  | "TOO_MANY_PIXELS"
  | "DAMAGED"
  | "UNSUPPORTED_CODING"
  | "TIMEOUT";

export type AudioRejectionCode = "EMPTY" | "FILE_TOO_LARGE" | "NOT_AUDIO" | "NO_AUDIO_STREAM" | "TOO_SHORT" | "TOO_LONG" | "UNUSUAL_FORMAT" | "DAMAGED";

/** The upload is unusable. `message` is the user-readable reason; `code` is for logs and metrics. */
export class PhotoRejectedError extends Error {
  override readonly name = "PhotoRejectedError";
  constructor(
    readonly code: PhotoRejectionCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The music upload is unusable. `message` is the user-readable reason. */
export class AudioRejectedError extends Error {
  override readonly name = "AudioRejectedError";
  constructor(
    readonly code: AudioRejectionCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
