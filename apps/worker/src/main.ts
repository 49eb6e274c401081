import { utimes, writeFile } from "node:fs/promises";
import { bootstrap, runMain } from "@photoreel/bootstrap";
import { composeWorker } from "./compose";
import { startWorker } from "./worker";

const HEARTBEAT_FILE = "/tmp/worker-alive";

runMain("worker", async () => {
  const { config, log, telemetry } = await bootstrap("worker", { logBase: (c) => ({ workerId: c.WORKER_ID ?? process.pid }) });
  const worker = startWorker(await composeWorker(config, log), { onAlive: () => void touch() });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "signal received");
    await worker.stop(config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000);
    await telemetry.shutdown().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
});

/** The container HEALTHCHECK looks at this file's age. */
async function touch() {
  const now = new Date();
  await utimes(HEARTBEAT_FILE, now, now).catch(() => writeFile(HEARTBEAT_FILE, ""));
}
