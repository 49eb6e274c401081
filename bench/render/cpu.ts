import { readFileSync } from "node:fs";

/**
 * CPU seconds from /proc/self/stat: utime+stime of this process and/or cutime+cstime of its reaped children
 * (node reaps FFmpeg as soon as it exits, so a run's children are all counted once it has resolved).
 */
export function cpuSeconds(which: "self+children" | "children"): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  const ticks = 100; // CLK_TCK on Linux x86-64
  const children = f[13]! + f[14]!;
  return (which === "children" ? children : f[11]! + f[12]! + children) / ticks;
}
