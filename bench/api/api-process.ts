import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { laterPort } from "@photoreel/local-stack/ports";
import { startChild, type Child } from "./child.ts";

export interface ApiProcess {
  child: Child;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The real API started through its own package entry (`@photoreel/api-server/main`) as its own process on a free
 * port, pointed at already running stand-ins (`env` is the test kit stack's `env` plus any overrides). Benches reach
 * the app as a process, never by importing its modules (the dependency rules in .dependency-cruiser.cjs).
 */
export async function startApiProcess(env: Record<string, string>, opts: { preload?: string[]; stdout?: "inherit" | "ignore" } = {}): Promise<ApiProcess> {
  // Bound once the API has started; meanwhile its database and stand-in clients open sockets (laterPort's note).
  const port = await laterPort();
  const child = startChild(fileURLToPath(import.meta.resolve("@photoreel/api-server/main")), {
    STACK: "embedded",
    EMBEDDED_STANDINS: "running",
    EMBEDDED_WORKERS: "0",
    ...env,
    PORT: String(port),
  }, { stdout: "ignore", ...opts });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitReady(child, baseUrl);
  return {
    child,
    baseUrl,
    async stop() {
      if (child.proc.exitCode !== null || child.proc.signalCode) return;
      child.proc.kill("SIGTERM");
      await once(child.proc, "exit");
    },
  };
}

async function waitReady(child: Child, url: string) {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    if (child.proc.exitCode !== null) throw new Error(`the API exited (${child.proc.exitCode}) before it was ready`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the API was not ready within 120 s");
}
