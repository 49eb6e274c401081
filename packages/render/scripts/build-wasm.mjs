// Compiles src/resample.wat to src/resample-wasm.ts (the module's bytes, base64), so the worker bundle and the
// tests load it without a build step or a file beside the bundle. `--check` fails if the committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import wabt from "wabt";

const here = new URL("../src/", import.meta.url);
const source = readFileSync(new URL("resample.wat", here), "utf8");
const module = (await wabt()).parseWat("resample.wat", source, { simd: true });
const { buffer } = module.toBinary({});
const text =
  "// Generated from resample.wat by scripts/build-wasm.mjs: do not edit.\n" +
  `export const RESAMPLE_WASM = "${Buffer.from(buffer).toString("base64")}";\n`;
const target = new URL("resample-wasm.ts", here);
if (process.argv.includes("--check")) {
  if (readFileSync(target, "utf8") !== text) {
    console.error("src/resample-wasm.ts is stale: run pnpm --filter @photoreel/render build:wasm");
    process.exit(1);
  }
} else writeFileSync(target, text);
