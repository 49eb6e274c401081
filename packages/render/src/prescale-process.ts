import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { abortError, RenderInputError } from "./errors";
import type { FitOptions } from "./prescale";

export interface PrescaleRequest {
  tasks: { src: string; dest: string }[];
  fit: FitOptions;
  /** Drawn from the first fitted photo once every photo is fitted. */
  poster: { src: string; dest: string; width: number; height: number };
}

export type PrescaleReply =
  | { kind: "fitted"; task: number }
  | { kind: "unreadable"; task: number; detail: string }
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
    onFitted?: (task: number) => void;
    photoIndexOf: (task: number) => number;
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
    child.on("message", (m: PrescaleReply) => {
      if (m.kind === "fitted") opts.onFitted?.(m.task);
      else outcome = m;
    });
    child.on("error", (err) => {
      signal?.removeEventListener("abort", onAbort);
      reject(err);
    });
    child.on("close", (code, sig) => {
      signal?.removeEventListener("abort", onAbort);
      const o = outcome as PrescaleReply | null;
      if (signal?.aborted) reject(abortError(signal));
      else if (o?.kind === "done") resolve();
      else if (o?.kind === "unreadable") {
        const photoIndex = opts.photoIndexOf(o.task);
        reject(
          new RenderInputError(`Photo ${photoIndex} could not be read (it may be damaged); remove it and try again`, {
            photoIndex,
            cause: new Error(o.detail),
          }),
        );
      } else reject(new Error(`the pre-scale process ended without finishing (exit code ${code}, signal ${sig})`));
    });
    child.send(req);
  });
}
