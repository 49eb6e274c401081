import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrap, runMain, type Logger } from "@photoreel/bootstrap";
import { readEnvironment, WORKER_PROCESS_ENV, type Env } from "@photoreel/config";
import { composeApi } from "./compose";
import { createHttpApp } from "./http/app";

runMain("api", async () => {
  let stopStack: (() => Promise<void>) | null = null;
  const workers: ChildProcess[] = [];
  let stopping = false;
  const { config, env, log, telemetry } = await bootstrap("api", {
    embedded: async (config) => {
      if (config.EMBEDDED_STANDINS === "running") return {};
      const { portOrFree, startLocalStack, StartupError } = await import("@photoreel/local-stack");
      const plainly = (e: unknown): never => {
        // A problem the user can fix is one sentence, not a stack trace.
        if (e instanceof StartupError) {
          console.error(`\n  ${e.message}\n`);
          process.exit(1);
        }
        throw e;
      };
      // A second copy on the same machine: when the port was not chosen (no PORT, no PUBLIC_URL naming it), a busy
      // 8080 gives way to a free port; a chosen one that is busy stops here, before anything starts.
      const chosen = readEnvironment();
      const port = await portOrFree(config.PORT, config.HOST);
      let api: Env = {};
      if (port.busy && (chosen.PORT || chosen.PUBLIC_URL)) {
        plainly(new StartupError(`Port ${config.PORT} is already in use (is photoreel already running?); choose another one, e.g. PORT=${config.PORT + 1} DATA_DIR=.data-2 bash scripts/start.sh`));
      } else if (port.busy) {
        api = { PORT: String(port.port), PUBLIC_URL: `http://127.0.0.1:${port.port}` };
      }
      const stack = await startLocalStack({
        dataDir: resolve(config.DATA_DIR),
        webOrigin: new URL(api.PUBLIC_URL ?? config.PUBLIC_URL).origin,
        ...(config.EMBEDDED_FREE_PORTS ? { ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 } } : {}),
      }).catch(plainly);
      stopStack = stack.stop;
      return { ...stack.env, ...api };
    },
  });
  if (config.STACK === "embedded") log.info({ dataDir: resolve(config.DATA_DIR) }, "embedded stack started");

  const app = await composeApi(config, log);
  const server = createHttpApp(app, log).listen(config.PORT, config.HOST);
  await once(server, "listening");
  server.keepAliveTimeout = 65_000;

  if (config.STACK === "embedded") {
    for (let i = 0; i < config.EMBEDDED_WORKERS; i++) keepWorker(workers, i, env, log, () => stopping);
    const tty = Boolean(process.stdout.isTTY);
    if (!tty) log.info(`photoreel is running: open ${config.PUBLIC_URL}`); // on a terminal the banner says it
    console.log(openBanner(config.PUBLIC_URL, tty));
  } else {
    log.info({ port: config.PORT }, "api listening");
  }

  // Hygiene every 6 hours: objects without rows and rows without objects (older than a day) are removed, and so are
  // sign-in/sign-up limit counters nobody has touched for a day.
  const orphanTimer = setInterval(() => {
    app.services.admin
      .sweepOrphans(false)
      .then((r) => log.info({ objects: r.objectsWithoutRows.length, rows: r.rowsWithoutObjects.length }, "orphan sweep"))
      .catch((err: unknown) => log.warn({ err }, "orphan sweep failed"));
    app.services.auth
      .forgetStaleLimits()
      .then((counters) => log.info({ counters }, "stale limit counters removed"))
      .catch((err: unknown) => log.warn({ err }, "removing stale limit counters failed"));
  }, 6 * 3600 * 1000);
  orphanTimer.unref();

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: no new connections, finishing in-flight requests");
    const force = setTimeout(() => {
      log.warn("in-flight requests did not finish in 25 s; exiting");
      process.exit(1);
    }, 25_000);
    force.unref();
    await Promise.all(workers.map(async (w) => {
      // A worker a signal ended (the OOM killer's SIGKILL) has a signalCode and no exitCode: it will not exit again.
      if (w.exitCode === null && w.signalCode === null) {
        w.kill("SIGTERM");
        await once(w, "exit");
      }
    }));
    server.close();
    server.closeIdleConnections();
    await once(server, "close").catch(() => {});
    await app.close();
    await stopStack?.();
    await telemetry.shutdown().catch(() => {});
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
});

/**
 * The embedded `start` runs each worker as its own process, as on ECS, so killing it behaves the same; and, as ECS
 * replaces a stopped task, a worker that dies (a crash, the OOM killer) is started again: after 1 s, doubling up to
 * 30 s while it keeps dying within a minute of starting. `workers[index]` is always the current process. While this
 * process stops, a worker's exit is expected and nothing restarts. The worker package names its entry
 * (`@photoreel/worker/main`, or its bundle when this API runs bundled).
 */
function keepWorker(workers: ChildProcess[], index: number, env: Env, log: Logger, stopping: () => boolean) {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = fileURLToPath(import.meta.resolve(fromSource ? "@photoreel/worker/main" : "@photoreel/worker/bundle"));
  let delayMs = 1_000;
  const launch = () => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [...(fromSource ? ["--import", "tsx"] : []), entry], {
      // Their queue lives in this process and stops with it: waiting out a long poll would only delay Ctrl-C.
      env: { ...env, STACK: "embedded", WORKER_ID: `local-${index}`, WORKER_STOP_WAITS_FOR_POLL: "false", ...WORKER_PROCESS_ENV },
      stdio: "inherit",
    });
    workers[index] = child;
    child.on("exit", (code, signal) => {
      if (stopping()) return log.info({ code, signal, index }, "worker process ended");
      if (Date.now() - startedAt > 60_000) delayMs = 1_000;
      log.warn({ code, signal, index, restartInMs: delayMs }, "worker exited; starting it again");
      setTimeout(() => stopping() || launch(), delayMs).unref();
      delayMs = Math.min(30_000, delayMs * 2);
    });
  };
  launch();
}

/** The line people look for among the logs: set apart, and on a terminal bold and coloured. */
function openBanner(url: string, tty: boolean): string {
  const line = tty ? `\x1b[1m\x1b[32m➜  photoreel is running: open \x1b[4m${url}\x1b[0m` : `photoreel is running: open ${url}`;
  return `\n  ${line}\n`;
}
