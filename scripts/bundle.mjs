// Bundles a Node app into dist/ with every @photoreel/* package and pure-JS dependency inlined.
// Only native or asset-carrying modules stay external (installed beside the bundle in the container):
// sharp (libvips binaries). The embedded stack is never bundled: it is for laptops, not AWS.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// esbuild is each app's own devDependency: resolve it from the app being built (the cwd), not from scripts/.
const esbuild = createRequire(join(process.cwd(), "package.json")).resolve("esbuild");
const { build } = await import(pathToFileURL(esbuild).href);

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
  // CommonJS dependencies use require() and __dirname (fluent-ffmpeg does); give the ESM bundle both.
  banner: {
    js: [
      "import { createRequire as __cr } from 'node:module';",
      "import { fileURLToPath as __fu } from 'node:url';",
      "const require = __cr(import.meta.url);",
      "const __filename = __fu(import.meta.url);",
      "const __dirname = __fu(new URL('.', import.meta.url));",
    ].join(" "),
  },
  logLevel: "warning",
});
console.log(`bundled ${entry} -> ${outfile}`);
