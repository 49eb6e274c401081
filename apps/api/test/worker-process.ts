import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const WORKER = fileURLToPath(new URL("../../worker/src/main.ts", import.meta.url));
/** The worker as its image runs it: `pnpm --filter @photoreel/worker build` output. */
export const BUNDLED_WORKER = fileURLToPath(new URL("../../worker/dist/main.js", import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
}

/**
 * Runs the worker app as its own process (as on ECS and in the embedded start), pointed at the test stack: from
 * source by default, or the bundle the worker image runs.
 */
export function spawnWorker(env: Record<string, string>, opts: { bundled?: boolean } = {}): WorkerProcess {
  const logs: string[] = [];
  const child = spawn(process.execPath, opts.bundled ? ["--enable-source-maps", BUNDLED_WORKER] : ["--import", "tsx", WORKER], {
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (b: Buffer) => logs.push(...b.toString().split("\n").filter(Boolean)));
  child.stderr!.on("data", (b: Buffer) => logs.push(...b.toString().split("\n").filter(Boolean)));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, logs, exited };
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
