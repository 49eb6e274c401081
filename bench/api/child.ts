import { spawn, type ChildProcess } from "node:child_process";

export interface Child {
  proc: ChildProcess;
  /** The next message from the child; rejects on an `{ kind: "error" }` message or if the child exits first. */
  next<T = Record<string, unknown>>(): Promise<T>;
  request<T = Record<string, unknown>>(cmd: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript file in its own Node process (same loader as this one: tsx) with an IPC channel; `preload`
 * modules are imported before it.
 */
export function startChild(file: string, env: Record<string, string> = {}, opts: { preload?: string[]; stdout?: "inherit" | "ignore" } = {}): Child {
  const proc = spawn(process.execPath, [...process.execArgv, ...(opts.preload ?? []).flatMap((p) => ["--import", p]), file], {
    env: { ...process.env, ...env },
    stdio: ["ignore", opts.stdout ?? "inherit", "inherit", "ipc"],
  });
  const inbox: unknown[] = [];
  const waiters: { resolve: (m: unknown) => void; reject: (e: Error) => void }[] = [];
  let exited: Error | null = null;
  const deliver = () => {
    while (waiters.length && (inbox.length || exited)) {
      const w = waiters.shift()!;
      if (inbox.length) {
        const m = inbox.shift() as { kind?: string; message?: string };
        if (m.kind === "error") w.reject(new Error(`child ${file}: ${m.message}`));
        else w.resolve(m);
      } else w.reject(exited!);
    }
  };
  proc.on("message", (m) => {
    inbox.push(m);
    deliver();
  });
  proc.on("exit", (code, signal) => {
    exited = new Error(`child ${file} exited (${code ?? signal})`);
    deliver();
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      waiters.push({ resolve: resolve as (m: unknown) => void, reject });
      deliver();
    });
  return {
    proc,
    next,
    request: <T>(cmd: unknown) => {
      proc.send(cmd as object);
      return next<T>();
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode) return;
      const gone = new Promise((r) => proc.once("exit", r));
      proc.send({ cmd: "stop" });
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
