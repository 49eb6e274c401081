import { readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system) a process has used so far, in ms; 10 ms resolution. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Scheduler state of the process's main thread: R = running or waiting for a core, S = sleeping, ... */
function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

/**
 * Waits until the process's main thread is asleep (not runnable in 19 of 20 samples over half a second): autocannon
 * stops sending at the end of a run, but the server still works through the requests in flight, which would spill
 * into the next run. The thread's state, unlike its CPU use, still says "busy" when neighbours starve it of CPU.
 */
export async function waitIdle(pid: number, timeoutMs = 180_000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    let runnable = 0;
    for (let i = 0; i < 20; i++) {
      if (stateOf(pid) === "R") runnable++;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (runnable <= 1) break;
  }
  return (Date.now() - start) / 1000;
}
