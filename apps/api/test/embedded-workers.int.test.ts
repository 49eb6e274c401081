import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { laterPort } from "@photoreel/local-stack/ports";
import { afterAll, expect, it } from "vitest";

/**
 * The embedded start (`bash scripts/start.sh` ends in `node --import tsx apps/api/src/main.ts`) with one worker
 * process beside the API, as people run it: what happens when that worker dies.
 */
const REPO = join(import.meta.dirname, "..", "..", "..");
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The worker processes the API started (its children running the worker's entry). */
const workerPids = (apiPid: number) =>
  readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const ppid = Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
        return ppid === apiPid && readFileSync(`/proc/${d}/cmdline`, "utf8").includes("worker");
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);

async function startApp() {
  const dataDir = mkdtempSync(join(tmpdir(), "photoreel-embedded-workers-"));
  dirs.push(dataDir);
  // Bound after the app has started its stand-ins on ports the OS picks: chosen where the OS does not pick.
  const port = await laterPort();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !["PORT", "PUBLIC_URL", "WEB_DIST_DIR", "DATA_DIR"].includes(k)));
  const child = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
    cwd: REPO,
    env: { ...base, NODE_ENV: "test", LOG_LEVEL: "info", EMBEDDED_WORKERS: "1", EMBEDDED_FREE_PORTS: "true", PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  /** Waits until the log has `n` lines matching `re` (or the app exits, or 60 s pass). */
  const until = async (re: RegExp, n = 1) => {
    const end = Date.now() + 60_000;
    for (;;) {
      const count = out.split("\n").filter((l) => re.test(l)).length;
      if (count >= n) return;
      if (child.exitCode !== null || Date.now() > end) throw new Error(`waited for ${n} x ${re}; the log says:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await until(/"msg":"worker polling"/);
  return { child, exited, until, log: () => out };
}

it("a worker that dies (the OOM killer's SIGKILL) is started again, and the app still stops cleanly", async () => {
  const app = await startApp();
  const [first] = workerPids(app.child.pid!);
  expect(first).toBeGreaterThan(0);
  process.kill(first!, "SIGKILL");
  await app.until(/"level":40.*"signal":"SIGKILL".*"msg":"worker exited; starting it again"/);
  await app.until(/"msg":"worker polling"/, 2);
  const now = workerPids(app.child.pid!);
  expect(now).toHaveLength(1);
  expect(now[0]).not.toBe(first);

  app.child.kill("SIGTERM");
  expect(await app.exited).toBe(0);
  expect(app.log()).toMatch(/"msg":"worker process ended"/);
}, 120_000);

it("stopping the app just after its worker was killed does not wait for that worker to exit again", async () => {
  const app = await startApp();
  const [worker] = workerPids(app.child.pid!);
  process.kill(worker!, "SIGKILL");
  await app.until(/"msg":"worker exited; starting it again"/);
  // Within the restart's 1 s delay: the dead worker is still the one on record. It ended by a signal, so it has no
  // exit code, and it will not exit again (the shutdown waited for that until its 25 s limit, then exited 1).
  app.child.kill("SIGTERM");
  expect(await app.exited).toBe(0);
  expect(app.log()).not.toMatch(/did not finish in 25 s/);
  expect(app.log().split("\n").filter((l) => l.includes('"msg":"worker polling"'))).toHaveLength(1);
}, 120_000);
