// Decodes the primary image of an HEVC-coded HEIF file with libheif (WebAssembly) inside a worker thread, so the
// decode neither blocks the caller's event loop nor keeps the WebAssembly memory it grew: both end with the thread.
// Plain JavaScript on purpose: a worker thread runs its file with Node alone, in the tests and in the bundles alike.
// Started only by `decodeHeic` (heic.ts), which has already checked the type and the pixel limit from the header.
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";

const require = createRequire(import.meta.url);
const IROT = 0x69726f74; // 'irot'
const IMIR = 0x696d6972; // 'imir'

/** @param {{ module: WebAssembly.Module; bytes: Uint8Array; maxPixels: number }} input */
async function decode({ module, bytes, maxPixels }) {
  const lib = require("libheif-js/libheif-wasm/libheif.js")({
    // The module was compiled once by the parent; instantiating it here costs a few milliseconds.
    instantiateWasm(imports, receive) {
      const instance = new WebAssembly.Instance(module, imports);
      receive(instance);
      return instance.exports;
    },
    print() {},
    printErr() {},
  });
  const ctx = lib.heif_context_alloc();
  const read = lib.heif_context_read_from_memory(ctx, bytes);
  if (read.code !== lib.heif_error_Ok) return { ok: false, message: `libheif: ${read.message}` };
  const handle = lib.heif_js_context_get_primary_image_handle(ctx);
  if (!handle || handle.code) return { ok: false, message: "libheif: no primary image" };
  const width = lib.heif_image_handle_get_width(handle);
  const height = lib.heif_image_handle_get_height(handle);
  // Checked before by the caller from libvips' reading of the same header; checked again here in case the two disagree.
  if (!(width > 0 && height > 0) || width * height > maxPixels) return { ok: false, message: `libheif: primary image is ${width}x${height}` };
  const alpha = Boolean(lib.heif_image_handle_has_alpha_channel(handle));
  const transformed = transformCount(lib, ctx, handle) > 0;
  const image = await lib.heif_js_decode_image2(
    handle,
    lib.heif_colorspace_RGB,
    alpha ? lib.heif_chroma_interleaved_RGBA : lib.heif_chroma_interleaved_RGB,
  );
  if (!image || image.code || !image.channels) return { ok: false, message: `libheif: ${image?.message ?? "decoding failed"}` };
  const plane = image.channels.find((c) => c.id === lib.heif_channel_interleaved) ?? image.channels[0];
  const channels = alpha ? 4 : 3;
  if (!plane || plane.width !== width || plane.height !== height) return { ok: false, message: "libheif: decoded size differs from the header" };
  // plane.data is a view into WebAssembly memory: copy it out into a buffer that can be transferred to the parent.
  const row = width * channels;
  const data = new Uint8Array(row * height);
  if (plane.stride === row) data.set(plane.data.subarray(0, row * height));
  else for (let y = 0; y < height; y++) data.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
  return { ok: true, width, height, channels, data, transformed };
}

/** How many irot/imir properties the primary item carries (libheif applies them while decoding). */
function transformCount(lib, ctx, handle) {
  const ctxPtr = ctx.$$.ptr;
  const item = lib._heif_image_handle_get_item_id(handle.$$.ptr);
  const ids = lib._malloc(4 * 16);
  try {
    const n = lib._heif_item_get_transformation_properties(ctxPtr, item, ids, 16);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const type = lib._heif_item_get_property_type(ctxPtr, item, lib.HEAPU32[(ids >> 2) + i]) >>> 0;
      if (type === IROT || type === IMIR) count++;
    }
    return count;
  } finally {
    lib._free(ids);
  }
}

let result;
try {
  result = await decode(workerData);
} catch (err) {
  // A WebAssembly trap (a corrupt bitstream, memory exhausted) ends up here: an answer, never a crash.
  result = { ok: false, message: `libheif: ${err instanceof Error ? err.message : String(err)}` };
}
parentPort.postMessage(result, result.ok ? [result.data.buffer] : []);
