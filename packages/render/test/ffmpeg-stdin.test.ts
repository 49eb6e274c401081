/**
 * runFfmpeg fed by a writer handed FFmpeg's stdin (Ken Burns frames, xfade pairs): whichever side fails first stops
 * the other, the run's error is that side's, and the run settles only once both have stopped.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runFfmpeg } from "../src/ffmpeg";
import { tempDir } from "./fixtures";

const FRAME = Buffer.alloc(64 * 36 * 1.5, 128); // one grey 64x36 yuv420p frame
const rawIn = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "64x36", "-framerate", "30", "-i", "pipe:0"];
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("runFfmpeg with a stdin writer", () => {
  it("takes every frame the writer writes, and resolves once the writer has ended stdin", async () => {
    let wrote = false;
    await runFfmpeg([...rawIn, "-frames:v", "5", "-f", "null", "-"], {
      stdin: async (stdin) => {
        for (let k = 0; k < 5; k++) await new Promise<void>((resolve, reject) => stdin.write(FRAME, (err) => (err ? reject(err) : resolve())));
        stdin.end();
        wrote = true;
      },
    });
    expect(wrote).toBe(true);
  });

  it("a writer that fails kills FFmpeg (which would wait on its stdin for ever) and the run rejects with its error", async () => {
    let pid = 0;
    const run = runFfmpeg([...rawIn, "-f", "null", "-"], {
      onSpawn: (p) => (pid = p),
      stdin: async (stdin) => {
        stdin.write(FRAME);
        throw new Error("drawing the frame failed");
      },
    });
    await expect(run).rejects.toThrow("drawing the frame failed");
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it("FFmpeg failing aborts the writer's signal, and the run rejects with FFmpeg's error after the writer stopped", async () => {
    const { dir, cleanup } = await tempDir("ffmpeg-stdin-");
    try {
      let writerStopped = false;
      let sawAbort = false;
      const run = runFfmpeg([...rawIn, "-frames:v", "5", "-c:v", "rawvideo", path.join(dir, "missing", "out.nut")], {
        stdin: async (stdin, signal) => {
          try {
            // A writer that would go on for ever: only the signal stops it.
            while (!signal.aborted) await new Promise<void>((resolve) => stdin.write(FRAME, () => setTimeout(resolve, 5)));
            sawAbort = true;
          } finally {
            writerStopped = true;
          }
        },
      });
      await expect(run).rejects.toThrow(/ffmpeg failed/);
      expect(sawAbort).toBe(true);
      expect(writerStopped).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it("an abort stops both and rejects as an abort, whichever side noticed it first", async () => {
    const ac = new AbortController();
    const run = runFfmpeg([...rawIn, "-f", "null", "-"], {
      signal: ac.signal,
      stdin: async (stdin, signal) => {
        while (!signal.aborted) await new Promise<void>((resolve) => stdin.write(FRAME, () => setTimeout(resolve, 5)));
        throw new Error("the writer noticed first");
      },
    });
    setTimeout(() => ac.abort(), 200);
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
  });
});
