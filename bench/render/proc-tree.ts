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

/**
 * Samples the tree's summed RSS every `ms` until stopped; `stop` returns the peak. Also kept: the root process's
 * own peak, and its size at the moment the tree peaked.
 */
export function sampleTreeRss(root: number, ms = 50): { stop: () => number; rootPeak: () => number; rootAtPeak: () => number } {
  let peak = 0;
  let rootPeak = 0;
  let rootAtPeak = 0;
  const tick = () => {
    const tree = treeRss(root);
    const own = rssOf(root);
    if (tree > peak) [peak, rootAtPeak] = [tree, own];
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
