#!/usr/bin/env node
// Initial JS budget: the entry chunk plus every chunk it imports statically (what the browser must download before
// the first screen), gzipped. Lazy routes (dynamicImports) are not counted. Exits 1 at or over the budget.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, "..", "dist"));
const budget = Number(process.env.BUDGET_KB ?? 200) * 1024;
const manifestPath = join(dist, ".vite", "manifest.json");

if (!existsSync(manifestPath)) {
  console.error(`No ${manifestPath}: build first (pnpm --filter @photoreel/web build).`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const entries = Object.entries(manifest).filter(([, c]) => c.isEntry);
if (entries.length === 0) {
  console.error("The manifest has no entry chunk.");
  process.exit(2);
}

const seen = new Set();
const visit = (key) => {
  const c = manifest[key];
  if (!c || seen.has(c.file)) return;
  seen.add(c.file);
  for (const k of c.imports ?? []) visit(k);
};
for (const [key] of entries) visit(key);

let total = 0;
const rows = [...seen].filter((f) => f.endsWith(".js")).map((file) => {
  const gz = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += gz;
  return { file, gz };
});
for (const r of rows) console.log(`  ${r.file.padEnd(40)} ${(r.gz / 1024).toFixed(1).padStart(7)} KB gz`);
const kb = (total / 1024).toFixed(1);
console.log(`initial JS: ${kb} KB gzipped (budget ${(budget / 1024).toFixed(0)} KB)`);
if (total >= budget) {
  console.error(`Initial JS is over budget: ${kb} KB >= ${(budget / 1024).toFixed(0)} KB. Lazy-load more (React.lazy) or drop a dependency.`);
  process.exit(1);
}
