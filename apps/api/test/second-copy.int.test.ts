import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

/**
 * `bash scripts/start.sh` ends in `node --import tsx apps/api/src/main.ts`: this runs that entry as its own process,
 * twice on one machine, with the default ports already taken (by a copy started earlier, or here by the test).
 */
const REPO = join(import.meta.dirname, "..", "..", "..");
const DEFAULT_PORTS = [8080, 4569, 9324, 8011, 9229, 54329];
const dirs: string[] = [];
const children: ChildProcess[] = [];
let blockers: Server[] = [];

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "photoreel-second-copy-"));
  dirs.push(d);
  return d;
};

/** Holds a port; one already held by something else on this machine is just as busy. */
const occupy = (port: number) =>
  new Promise<Server | null>((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(null));
    s.listen(port, "127.0.0.1", () => resolve(s));
  });

function start(env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !["PORT", "PUBLIC_URL", "EMBEDDED_FREE_PORTS", "DATA_DIR", "WEB_DIST_DIR"].includes(k)));
  const child = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
    cwd: REPO,
    env: { ...base, NODE_ENV: "test", LOG_LEVEL: "warn", EMBEDDED_WORKERS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  /** Resolves with the URL from the "open http://..." line, or rejects with what the process said before exiting. */
  const url = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /photoreel is running: open (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`exited ${code}: ${err}${out}`));
    });
  });
  url.catch(() => {});
  return { child, url, exited, output: () => ({ out, err }) };
}

beforeAll(async () => {
  blockers = (await Promise.all(DEFAULT_PORTS.map(occupy))).filter((s): s is Server => s !== null);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const b of blockers) b.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it("a second copy beside the first takes free ports for the API and every stand-in, and both answer", async () => {
  const first = start({ DATA_DIR: tempDir() });
  const second = start({ DATA_DIR: tempDir() });
  const [a, b] = await Promise.all([first.url, second.url]);
  expect(a).not.toBe("http://127.0.0.1:8080");
  expect(b).not.toBe(a);
  for (const url of [a, b]) expect((await fetch(`${url}/readyz`)).status).toBe(200);
  // Not a terminal here: the logs stay JSON lines, and the open line stands on its own.
  const lines = first.output().out.split("\n").filter((l) => l.trim());
  expect(lines.some((l) => l.trim() === `photoreel is running: open ${a}`)).toBe(true);
  for (const l of lines.filter((l) => l.startsWith("{"))) expect(() => JSON.parse(l)).not.toThrow();

  // A third copy on the first one's data folder would corrupt it: one sentence saying what to do, no stack trace.
  const clash = start({ DATA_DIR: dirs[0]! });
  expect(await clash.exited).toBe(1);
  const said = clash.output().err.trim();
  expect(said).toMatch(/^photoreel is already running on the data in .+ \(process \d+\); to run a second copy beside it, give it its own data folder, e.g. DATA_DIR=.+ bash scripts\/start\.sh$/);
  expect(said).not.toMatch(/\n\s+at /);

  for (const c of [first, second]) c.child.kill("SIGTERM");
  expect(await Promise.all([first.exited, second.exited])).toEqual([0, 0]);
}, 180_000);

it("a chosen PORT that is busy stops with one sentence before anything starts", async () => {
  const busy = await occupy(0);
  const port = (busy!.address() as { port: number }).port;
  try {
    const run = start({ DATA_DIR: tempDir(), PORT: String(port) });
    expect(await run.exited).toBe(1);
    expect(run.output().err.trim()).toBe(`Port ${port} is already in use (is photoreel already running?); choose another one, e.g. PORT=${port + 1} DATA_DIR=.data-2 bash scripts/start.sh`);
  } finally {
    busy!.close();
  }
}, 60_000);
