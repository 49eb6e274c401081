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
 * `port` when nothing listens on it at `host`, else a port the OS says is free (0 asks for any free port). There is a
 * window between this check and the real bind; for a laptop start that is good enough.
 */
export async function portOrFree(port: number, host = "127.0.0.1"): Promise<{ port: number; busy: boolean }> {
  const tryBind = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(p, host, () => {
        const bound = (srv.address() as { port: number }).port;
        srv.close(() => resolve(bound));
      });
    });
  try {
    return { port: await tryBind(port), busy: false };
  } catch (e) {
    if (!isAddressInUse(e)) throw e;
    return { port: await tryBind(0), busy: true };
  }
}
