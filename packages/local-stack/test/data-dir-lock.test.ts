import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockDataDir } from "../src/data-dir-lock";
import { StartupError } from "../src/ports";

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), "photoreel-lock-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("lockDataDir (one embedded stack per data folder)", () => {
  it("refuses a folder held by a live process, in one sentence naming it and what to do", async () => {
    const d = dir();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(join(d, "stack.pid"), String(other.pid));
      const err = await lockDataDir(d).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toContain(`(process ${other.pid}); to run a second copy beside it, give it its own data folder, e.g. DATA_DIR=`);
    } finally {
      other.kill();
      await once(other, "exit");
    }
  });

  it("takes over a lock left by a process that is gone, or by an earlier life of its own pid, and releases it", async () => {
    const d = dir();
    const gone = spawn(process.execPath, ["-e", ""]);
    await once(gone, "exit");
    writeFileSync(join(d, "stack.pid"), String(gone.pid));
    const release = await lockDataDir(d);
    expect(readFileSync(join(d, "stack.pid"), "utf8")).toBe(String(process.pid));
    // Held here now: a second start in this process is refused too.
    await expect(lockDataDir(d)).rejects.toBeInstanceOf(StartupError);
    await release();
    expect(existsSync(join(d, "stack.pid"))).toBe(false);

    writeFileSync(join(d, "stack.pid"), String(process.pid));
    const again = await lockDataDir(d);
    await again();
  });
});
