// Bundles a Node app into dist/ with every @photoreel/* package and pure-JS dependency inlined.
// Only native or asset-carrying modules stay external (installed beside the bundle in the container):
// sharp (libvips binaries). The embedded stack is never bundled: it is for laptops, not AWS.
import { build } from "esbuild";

const [entry, outfile = "dist/main.js"] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/bundle.mjs <entry.ts> [outfile]");
  process.exit(2);
}
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external: ["sharp", "@photoreel/local-stack", "pg-native"],
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
});
console.log(`bundled ${entry} -> ${outfile}`);
