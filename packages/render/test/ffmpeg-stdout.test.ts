/**
 * runFfmpeg into a caller's stream (Ken Burns frames: every transition and title run writes into the encoder's
 * stdin): every byte arrives before the run resolves, the stream stays open, and no run leaves a listener on it
 * (fluent-ffmpeg's own listeners piled up: Node warned at the eleventh, and each kept its run alive).
 */
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runFfmpeg } from "../src/ffmpeg";

const FRAME = 64 * 36 * 1.5; // one 64x36 yuv420p frame
const testFrames = (n: number) => ["-f", "lavfi", "-i", `testsrc2=size=64x36:rate=30`, "-frames:v", String(n), "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"];

describe("runFfmpeg with stdout", () => {
  it("delivers every byte of twelve runs into one stream, which stays open, and leaves no listener behind", async () => {
    let bytes = 0;
    const sink = new Writable({
      highWaterMark: FRAME, // small: the runs meet back-pressure
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        setImmediate(done);
      },
    });
    const before = sink.eventNames().map((e) => [e, sink.listenerCount(e)]);
    for (let run = 1; run <= 12; run++) {
      await runFfmpeg(testFrames(10), { stdout: sink });
      expect(bytes).toBe(run * 10 * FRAME);
    }
    expect(sink.writable).toBe(true);
    expect(sink.eventNames().map((e) => [e, sink.listenerCount(e)])).toEqual(before);
  });

  it("stops FFmpeg with an error when the stream it writes to fails", async () => {
    const sink = new PassThrough({ highWaterMark: FRAME });
    sink.resume();
    const run = runFfmpeg(testFrames(100_000), { stdout: sink, timeoutMs: 30_000 });
    setTimeout(() => sink.destroy(new Error("the encoder stopped")), 200);
    await expect(run).rejects.toThrow(/encoder stopped|output stream/);
  });
});
