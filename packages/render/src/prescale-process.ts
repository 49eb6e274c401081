import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FocalPoint } from "@photoreel/contracts";
import type { PhotoLimits } from "@photoreel/images";
import { abortError, RenderBudgetError, RenderInputError } from "./errors";
import type { FitOptions } from "./prescale";

/** What an uploaded photo is held to by default: the configuration's defaults (MAX_INPUT_PIXELS, MAX_UPLOAD_BYTES). */
export const DEFAULT_PHOTO_LIMITS: PhotoLimits = { maxInputPixels: 100_000_000, maxBytes: 50_000_000, timeoutSeconds: 60 };

export interface PrescaleRequest {
  /** `focal`: where a cover fit crops around (fractions of the upright photo); the centre when absent. */
  tasks: { src: string; dest: string; focal?: FocalPoint }[];
  fit: FitOptions;
  /** The thumbnailer's bounds (allow-list, pixel limit, size, time): photos outside them are refused, never decoded. */
  limits: PhotoLimits;
  /** Drawn from the first fitted photo once every photo is fitted. */
  poster: { src: string; dest: string; width: number; height: number };
}

export type PrescaleReply =
  /** `focal`: where the task's focal point landed in the fitted frame (fractions of it). */
  | { kind: "fitted"; task: number; focal: FocalPoint }
  | { kind: "unreadable"; task: number; detail: string; /** A refusal the user can act on (not a plain decode failure). */ reason?: string }
  | { kind: "done" };

/**
 * Fits the photos (see `fitPhoto`) and draws the poster in a short-lived child process. Decoding a 12 MP JPEG
 * takes libvips tens of MB, and glibc keeps freed memory in the process, so doing it in the worker left the
 * worker ~150 MB bigger for the whole encode that follows; the child returns all of it when it exits.
 * A photo that cannot be decoded rejects with a RenderInputError naming it (`photoIndexOf(task)`); a crashed
 * child rejects with a plain Error (transient: the job is retried); abort kills the child.
 */
export function prescaleInChild(
  req: PrescaleRequest,
  opts: {
    signal?: AbortSignal;
    onSpawn?: (pid: number) => void;
    onFitted?: (task: number, focal: FocalPoint) => void;
    photoIndexOf: (task: number) => number;
    /** Past it the child is killed and the promise rejects with a RenderBudgetError. */
    timeoutMs?: number;
  },
): Promise<void> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = fileURLToPath(new URL(fromSource ? "./prescale-child.ts" : "./prescale-child.js", import.meta.url));
  // From source (tests, the embedded start) the child needs the same TypeScript loader; the worker image runs the
  // bundle, where prescale-child.js sits beside main.js.
  const child = fork(entry, [], { execArgv: fromSource ? ["--import", "tsx"] : [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  if (child.pid) opts.onSpawn?.(child.pid);
  return new Promise<void>((resolve, reject) => {
    let outcome: PrescaleReply | null = null;
    const onAbort = () => child.kill("SIGKILL");
    signal?.addEventListener("abort", onAbort, { once: true });
    let overBudget = false;
    const budget =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            overBudget = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs);
    child.on("message", (m: PrescaleReply) => {
      if (m.kind === "fitted") opts.onFitted?.(m.task, m.focal);
      else outcome = m;
    });
    child.on("error", (err) => {
      clearTimeout(budget);
      signal?.removeEventListener("abort", onAbort);
      reject(err);
    });
    child.on("close", (code, sig) => {
      clearTimeout(budget);
      signal?.removeEventListener("abort", onAbort);
      const o = outcome as PrescaleReply | null;
      if (signal?.aborted) reject(abortError(signal));
      else if (overBudget) reject(new RenderBudgetError("preparing the photos", opts.timeoutMs!));
      else if (o?.kind === "done") resolve();
      else if (o?.kind === "unreadable") {
        const photoIndex = opts.photoIndexOf(o.task);
        const message = o.reason
          ? `Photo ${photoIndex} can't be used: ${o.reason}`
          : `Photo ${photoIndex} could not be read (it may be damaged); remove it and try again`;
        reject(new RenderInputError(message, { photoIndex, cause: new Error(o.detail) }));
      } else reject(new Error(`the pre-scale process ended without finishing (exit code ${code}, signal ${sig})`));
    });
    child.send(req);
  });
}
