import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VideoSpecSchema, type Transition } from "@photoreel/contracts";
import { planTimeline } from "@photoreel/timeline";
import { prescaleFit, writeKenBurnsFrames } from "../src/index";
import type { RenderProfile } from "../src/policy";
import { fitPhoto } from "../src/prescale";
import { makePhoto, tempDir } from "./fixtures";

let root: string;
let cleanup: () => Promise<void>;
let photos: string[];
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir("kb-frames-test-"));
  photos = await Promise.all([1, 2, 3].map((seed) => makePhoto(path.join(root, `p${seed}.jpg`), { width: 640, height: 480, seed })));
});
afterAll(() => cleanup());

const profile: RenderProfile = { width: 320, height: 180, fps: 12, preset: "ultrafast", crf: 32 };
const hash = (b: Uint8Array) => createHash("sha1").update(b).digest("hex");

/**
 * A stream that takes its time, like an encoder busy with the frame before: each chunk is hashed when it is written
 * and again when the stream gets to it, a few milliseconds later, and only then called back.
 */
function slowSink() {
  const atWrite: string[] = [];
  const atTake: string[] = [];
  const all = createHash("sha1");
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      setTimeout(() => {
        atTake.push(hash(chunk));
        all.update(chunk);
        done();
      }, 2);
    },
  });
  const write = sink.write.bind(sink);
  sink.write = ((chunk: Buffer, ...rest: never[]) => {
    atWrite.push(hash(chunk));
    return write(chunk, ...rest);
  }) as typeof sink.write;
  return { sink, atWrite, atTake, all };
}

async function writeFrames(transition: Transition, frames: Writable) {
  const spec = VideoSpecSchema.parse({ slides: photos.map(() => ({ photoId: crypto.randomUUID() })), kenBurns: true, transition, transitionSeconds: 0.4, secondsPerPhoto: 1, fit: "contain" });
  const plan = planTimeline(spec, profile);
  const fit = prescaleFit(spec, profile);
  const workDir = path.join(root, `${transition}-${crypto.randomUUID()}`);
  await mkdir(workDir);
  const slideFiles = await Promise.all(photos.map(async (p, i) => (await fitPhoto(p, path.join(workDir, `fit-${i}.jpg`), fit), path.join(workDir, `fit-${i}.jpg`))));
  await writeKenBurnsFrames({ plan, slideFiles, canvas: { width: fit.width, height: fit.height }, workDir, frames });
  return plan;
}

describe("writeKenBurnsFrames reuses its frame buffers only once a write has called back", () => {
  // fade: blended here from pooled frames; slideleft: pooled frames fed to an xfade run, whose output comes back.
  for (const transition of ["fade", "slideleft"] as const) {
    it(`${transition}: no frame changes while the stream still holds it, and the frames are those a fast stream gets`, async () => {
      const slow = slowSink();
      const plan = await writeFrames(transition, slow.sink);
      await new Promise((resolve) => slow.sink.end(resolve));
      // The writer draws into a handful of buffers: a buffer reused before its write called back shows here.
      expect(slow.atTake).toEqual(slow.atWrite);

      const fast = createHash("sha1");
      let bytes = 0;
      await writeFrames(transition, new Writable({ write: (chunk: Buffer, _e, done) => (fast.update(chunk), (bytes += chunk.length), done()) }));
      expect(bytes).toBe(plan.totalFrames * profile.width * profile.height * 1.5);
      expect(slow.all.digest("hex")).toBe(fast.digest("hex"));
    });
  }
});
