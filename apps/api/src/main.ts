import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { loadConfig, ConfigError, WORKER_PROCESS_ENV, type Config } from "@photoreel/config";
import { loadRemoteConfig } from "@photoreel/adapters";
import { pino } from "pino";
import { composeApi } from "./compose";
import { createHttpApp } from "./http/app";

const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { app: "api" } });

async function main() {
  let env: Record<string, string | undefined> = { ...process.env };
  let config: Config = loadConfig(env);
  let stopStack: (() => Promise<void>) | null = null;
  const workers: ChildProcess[] = [];

  if (config.STACK === "embedded") {
    const { startLocalStack } = await import("@photoreel/local-stack");
    const stack = await startLocalStack({
      dataDir: resolve(config.DATA_DIR),
      webOrigin: new URL(config.PUBLIC_URL).origin,
      ...(config.EMBEDDED_FREE_PORTS ? { ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 } } : {}),
    });
    stopStack = stack.stop;
    env = { ...env, ...stack.env };
    config = loadConfig(env);
    log.info({ dataDir: resolve(config.DATA_DIR) }, "embedded stack started");
  } else {
    // On AWS: non-secret settings from Parameter Store, the database credentials from Secrets Manager.
    env = { ...env, ...(await loadRemoteConfig(config, env)) };
    config = loadConfig(env);
  }

  const app = await composeApi(config, log);
  const server = createHttpApp(app, log).listen(config.PORT, config.HOST);
  await once(server, "listening");
  server.keepAliveTimeout = 65_000;

  if (config.STACK === "embedded") {
    for (let i = 0; i < config.EMBEDDED_WORKERS; i++) workers.push(startWorker(env, i));
    log.info(`photoreel is running: open ${config.PUBLIC_URL}`);
    console.log(`\n  photoreel is running: open ${config.PUBLIC_URL}\n`);
  } else {
    log.info({ port: config.PORT }, "api listening");
  }

  // Daily hygiene: objects without rows and rows without objects (older than a day) are removed.
  const orphanTimer = setInterval(() => {
    app.services.admin
      .sweepOrphans(false)
      .then((r) => log.info({ objects: r.objectsWithoutRows.length, rows: r.rowsWithoutObjects.length }, "orphan sweep"))
      .catch((err: unknown) => log.warn({ err }, "orphan sweep failed"));
  }, 6 * 3600 * 1000);
  orphanTimer.unref();

  let stopping = false;
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
      if (w.exitCode === null) {
        w.kill("SIGTERM");
        await once(w, "exit");
      }
    }));
    server.close();
    server.closeIdleConnections();
    await once(server, "close").catch(() => {});
    await app.close();
    await stopStack?.();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** The embedded `start` runs the worker as its own process, as on ECS, so killing it behaves the same. */
function startWorker(env: Record<string, string | undefined>, index: number): ChildProcess {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = fromSource ? resolve(here, "../../worker/src/main.ts") : resolve(here, "../../worker/dist/main.js");
  const child = spawn(process.execPath, [...(fromSource ? ["--import", "tsx"] : []), entry], {
    env: { ...env, STACK: "embedded", WORKER_ID: `local-${index}`, ...WORKER_PROCESS_ENV },
    stdio: "inherit",
  });
  child.on("exit", (code, signal) => log.warn({ code, signal, index }, "worker exited"));
  return child;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  log.fatal({ err }, "failed to start");
  process.exit(1);
});
