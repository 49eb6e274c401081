import { readFileSync, readdirSync } from "node:fs";

/** Sum of VmRSS (bytes) over `root` and all its descendants, read from /proc. */
export function treeRss(root: number): number {
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
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const rss = rssOf(pid);
    if (!rss) continue;
    total += rss;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples the tree's summed RSS every `ms` until stopped; returns the peak, and the root process's own peak. */
export function sampleTreeRss(root: number, ms = 50): { stop: () => number; rootPeak: () => number } {
  let peak = 0;
  let rootPeak = 0;
  const tick = () => {
    peak = Math.max(peak, treeRss(root));
    rootPeak = Math.max(rootPeak, rssOf(root));
  };
  tick();
  const timer = setInterval(tick, ms);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return peak;
    },
    rootPeak: () => rootPeak,
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
