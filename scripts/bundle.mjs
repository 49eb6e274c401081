// Bundles a Node app into dist/ with every @photoreel/* package and pure-JS dependency inlined.
// Only native or asset-carrying modules stay external (installed beside the bundle in the container):
// sharp (libvips binaries) and libheif-js (libheif's .wasm). The embedded stack is never bundled: it is for laptops,
// not AWS. A bundle that holds the images package's HEIC decoder gets its worker-thread file copied beside it.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decode, encode } from "@jridgewell/sourcemap-codec";

// The syntax level of the one pinned Node.js (.node-version) that runs every bundle: images and Lambda.
const nodeMajor = readFileSync(fileURLToPath(new URL("../.node-version", import.meta.url)), "utf8").trim().split(".")[0];

// esbuild is each app's own devDependency: resolve it from the app being built (the cwd), not from scripts/.
const esbuild = createRequire(join(process.cwd(), "package.json")).resolve("esbuild");
const { build } = await import(pathToFileURL(esbuild).href);

const [entry, outfile = "dist/main.js"] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/bundle.mjs <entry.ts> [outfile]");
  process.exit(2);
}
const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  target: `node${nodeMajor}`,
  format: "esm",
  sourcemap: true,
  external: ["sharp", "libheif-js", "@photoreel/local-stack", "pg-native"],
  metafile: true,
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
keepOwnSourceMaps(`${outfile}.map`);
// heic.ts starts `new Worker(new URL("./heif-worker.mjs", import.meta.url))`: the file must sit beside the bundle.
const heifWorker = Object.keys(result.metafile.inputs).find((p) => p.endsWith("packages/images/src/heic.ts"));
if (heifWorker) copyFileSync(resolve(dirname(heifWorker), "heif-worker.mjs"), join(dirname(outfile), "heif-worker.mjs"));
console.log(`bundled ${entry} -> ${outfile}${heifWorker ? " (+ heif-worker.mjs)" : ""}`);

/**
 * The map keeps our own sources only. Node with --enable-source-maps decodes the whole map when the bundle loads and
 * holds it: the worker's map (1,091 sources, 1,025 of them libraries') cost its process about 60 MB of its 400 MB
 * budget (bench/render's memory run). Where our code gives way to a library's, an unmapped segment ends our mapping,
 * so a stack frame inside a library names the bundle's line (not the last line of ours before it), ours the .ts line.
 */
function keepOwnSourceMaps(file) {
  const map = JSON.parse(readFileSync(file, "utf8"));
  const renumber = new Map();
  map.sources.forEach((s, i) => {
    if (!s.split("/").includes("node_modules")) renumber.set(i, renumber.size);
  });
  const names = new Map();
  const nameOf = (i) => {
    if (!names.has(i)) names.set(i, names.size);
    return names.get(i);
  };
  // A segment is [column] (unmapped) or [column, source, line, column] or [column, source, line, column, name].
  let inOurs = false;
  const lines = decode(map.mappings).map((segments) => {
    const kept = [];
    for (const seg of segments) {
      if (seg.length > 1 && renumber.has(seg[1])) {
        kept.push(seg.length === 5 ? [seg[0], renumber.get(seg[1]), seg[2], seg[3], nameOf(seg[4])] : [seg[0], renumber.get(seg[1]), seg[2], seg[3]]);
        inOurs = true;
      } else if (inOurs) {
        kept.push([seg[0]]);
        inOurs = false;
      }
    }
    return kept;
  });
  const kept = [...renumber.keys()];
  writeFileSync(
    file,
    JSON.stringify({
      ...map,
      sources: kept.map((i) => map.sources[i]),
      sourcesContent: map.sourcesContent && kept.map((i) => map.sourcesContent[i]),
      names: [...names.keys()].map((i) => map.names[i]),
      mappings: encode(lines),
    }),
  );
}
