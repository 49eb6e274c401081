import { spawn, type ChildProcess } from "node:child_process";
import { readEnvironment } from "@photoreel/config";

export interface WorkerProcess {
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
}

/**
 * Runs the worker app as its own process (as on ECS and in the embedded start), pointed at the test stack. `entry`
 * is one the worker package names: its source (`@photoreel/worker/main`, run through tsx) or the bundle its image runs
 * (`@photoreel/worker/bundle`, a .js file). The caller resolves it: this kit does not depend on the worker, so the
 * worker's own tests can use it without a package cycle.
 */
export function spawnWorker(entry: string, env: Record<string, string>): WorkerProcess {
  const logs: string[] = [];
  const child = spawn(process.execPath, entry.endsWith(".ts") ? ["--import", "tsx", entry] : ["--enable-source-maps", entry], {
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
