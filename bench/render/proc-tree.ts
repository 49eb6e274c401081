import { readFileSync, readdirSync } from "node:fs";

/**
 * Memory of `root` and all its descendants, read from /proc, two ways:
 * - `pss`: the sum of each process's proportional set size, where a page shared by k processes counts 1/k in each:
 *   the tree's real footprint, and what a container's memory accounting charges (shared libraries once);
 * - `rss`: the sum of resident set sizes, which counts every shared page (libavcodec, x264 in each FFmpeg; node's
 *   own libraries in its pre-scale child) once per process that maps it: an overestimate, kept for comparison.
 */
export function treeMemory(root: number): { rss: number; pss: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const total = { rss: 0, pss: 0 };
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const rss = rssOf(pid);
    if (!rss) continue;
    total.rss += rss;
    total.pss += pssOf(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Sum of VmRSS (bytes) over `root` and its descendants (see treeMemory). */
export const treeRss = (root: number) => treeMemory(root).rss;

/**
 * Samples the tree's memory (treeMemory) every `ms` until stopped; `stop` returns the peak summed RSS, `peakPss`
 * the peak summed PSS (each peak on its own). Also kept: the root process's own peak RSS, and its RSS at the moment
 * the tree's RSS peaked.
 */
export function sampleTreeRss(
  root: number,
  ms = 50,
): { stop: () => number; peakPss: () => number; rootPeak: () => number; rootAtPeak: () => number } {
  let peak = 0;
  let peakPss = 0;
  let rootPeak = 0;
  let rootAtPeak = 0;
  const tick = () => {
    const tree = treeMemory(root);
    const own = rssOf(root);
    if (tree.rss > peak) [peak, rootAtPeak] = [tree.rss, own];
    peakPss = Math.max(peakPss, tree.pss);
    rootPeak = Math.max(rootPeak, own);
  };
  tick();
  const timer = setInterval(tick, ms);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return peak;
    },
    peakPss: () => peakPss,
    rootPeak: () => rootPeak,
    rootAtPeak: () => rootAtPeak,
  };
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function pssOf(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
