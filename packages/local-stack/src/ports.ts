import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A start-up problem told in one plain sentence that says what to do; printed as it is, without a stack trace. */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StartupError";
  }
}

export const isAddressInUse = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === "EADDRINUSE";

/**
 * `port` when nothing listens on it at `host`, else a free port for a bind that comes later (`laterPort`).
 */
export async function portOrFree(port: number, host = "127.0.0.1"): Promise<{ port: number; busy: boolean }> {
  try {
    return { port: await tryBind(port, host), busy: false };
  } catch (e) {
    if (!isAddressInUse(e)) throw e;
    return { port: await laterPort(host), busy: true };
  }
}

/**
 * A free port to bind a little later, chosen below the kernel's ephemeral range (on Linux its lower end, else 32768).
 * A port the OS hands out for "any free port" (0) comes from that range, so the stand-ins, which start on port 0 in
 * between, cannot take it. One from `listen(0)` could be handed out again meanwhile: it once made the end-to-end web
 * server fail with EADDRINUSE. Falls back to the OS's pick when 50 tries find nothing free.
 */
export async function laterPort(host = "127.0.0.1"): Promise<number> {
  const low = ephemeralLow();
  for (let i = 0; i < 50; i++) {
    const p = 10_000 + Math.floor(Math.random() * (low - 10_000));
    try {
      return await tryBind(p, host);
    } catch (e) {
      if (!isAddressInUse(e)) throw e;
    }
  }
  return tryBind(0, host);
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function tryBind(p: number, host: string) {
  return new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(p, host, () => {
      const bound = (srv.address() as { port: number }).port;
      srv.close(() => resolve(bound));
    });
  });
}
