/** Minimal reading of a V8 CPU profile (the shape `node --cpu-prof` and the inspector's Profiler.stop produce). */
export interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  byPackage: { name: string; ms: number; pct: number }[];
  topFunctions: { name: string; ms: number; pct: number }[];
}

/** Which code a frame belongs to: a node_modules package, a workspace package, node's internals, or V8's buckets. */
export function bucketOf(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native/V8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (pkg.startsWith("@aws-sdk/") || pkg.startsWith("@smithy/") || pkg.startsWith("@aws-crypto/")) return "AWS SDK (@aws-sdk, @smithy)";
    return pkg;
  }
  const ws = /\/work\/main\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  return url.split("/").slice(-2).join("/");
}

/**
 * Self time per package, where time in V8 builtins and node: internals (crypto, streams, JSON...) is charged to the
 * nearest calling package, so "who causes the work" shows; the inspector's own frames (starting and stopping this
 * very profile) are left out.
 */
export function summarizeProfile(p: Profile, top = 15): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const isCode = (b: string) => !b.startsWith("(") && !b.startsWith("node:");
  const pkg = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    let charged: string | null = null;
    let inspector = false;
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      if (f.url === "node:inspector") inspector = true;
      const b = bucketOf(f.url, f.functionName);
      if (!charged && f.url && isCode(b)) charged = b;
    }
    if (inspector) continue;
    total += us;
    const own = bucketOf(url, functionName);
    const b = own.startsWith("(") && functionName.startsWith("(") ? own : (charged ?? own);
    pkg.set(b, (pkg.get(b) ?? 0) + us);
    const f = `${functionName || "(anonymous)"} ${own}${url ? `:${lineNumber + 1}` : ""}`;
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / total }));
  return { totalMs: total / 1000, byPackage: rows(pkg), topFunctions: rows(fns) };
}
