import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Upright (HEIF transforms applied) 8-bit RGB or RGBA pixels of a HEIC's primary image. */
export interface HeicPixels {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Buffer;
  /** The file carries irot/imir, which libheif applied: its EXIF orientation, if any, must not be applied again. */
  transformed: boolean;
}

/** libheif refused the file or its bitstream: the photo is bad, not the server. */
export class HeicDecodeError extends Error {
  override readonly name = "HeicDecodeError";
}
/** The decode ran past its time budget and was stopped. */
export class HeicTimeoutError extends Error {
  override readonly name = "HeicTimeoutError";
}

// Node has the WebAssembly global; the project's ES2023 lib does not declare it, and a compiled module is only passed on.
declare const WebAssembly: { Module: new (bytes: Uint8Array) => object };

const require = createRequire(import.meta.url);
let compiled: object | undefined;
/** libheif's WebAssembly, compiled once per process (~1.4 MB); each decode instantiates it in a fresh thread. */
const libheifModule = () => (compiled ??= new WebAssembly.Module(readFileSync(require.resolve("libheif-js/libheif-wasm/libheif.wasm"))));

/**
 * Decodes an HEVC-coded HEIF (what iPhones write) with libheif's WebAssembly build (libheif-js: libheif + libde265)
 * in a worker thread: tile grids are assembled, irot/imir/clap applied, 10-bit reduced to 8, the primary image chosen.
 * The thread ends after one photo, which returns all the WebAssembly memory the decode grew; past `timeoutMs` it is
 * terminated. The caller must already have checked the pixel limit from the header (`maxPixels` is checked again).
 * Colour is left as coded: the caller converts from the file's ICC profile.
 */
export function decodeHeic(bytes: Uint8Array, opts: { maxPixels: number; timeoutMs: number }): Promise<HeicPixels> {
  const module = libheifModule();
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./heif-worker.mjs", import.meta.url), {
      workerData: { module, bytes, maxPixels: opts.maxPixels },
      stdout: true, // libheif prints nothing we want in the service's logs
      stderr: true,
    });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new HeicTimeoutError(`HEIC decode took longer than ${opts.timeoutMs} ms`)));
      void worker.terminate();
    }, opts.timeoutMs);
    worker.once("message", (m: { ok: true; width: number; height: number; channels: 3 | 4; data: Uint8Array; transformed: boolean } | { ok: false; message: string }) =>
      finish(() =>
        m.ok
          ? resolve({ width: m.width, height: m.height, channels: m.channels, data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength), transformed: m.transformed })
          : reject(new HeicDecodeError(m.message)),
      ),
    );
    // A thread that dies without answering (out of memory in V8, a bug) is the server's problem: let it propagate.
    worker.once("error", (err) => finish(() => reject(err)));
    worker.once("exit", (code) => finish(() => reject(new Error(`the HEIC decoder thread exited (code ${code}) without an answer`))));
  });
}
