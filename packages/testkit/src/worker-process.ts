import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readEnvironment } from "@photoreel/config";

// The worker package names its entries: its source, and the bundle its image runs (`pnpm --filter @photoreel/worker build`).
const WORKER = fileURLToPath(import.meta.resolve("@photoreel/worker/main"));
export const BUNDLED_WORKER = fileURLToPath(import.meta.resolve("@photoreel/worker/bundle"));

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
    env: { ...readEnvironment(), ...env, LOG_LEVEL: "info" },
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
