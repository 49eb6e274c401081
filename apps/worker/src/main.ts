import { utimes, writeFile } from "node:fs/promises";
import { loadRemoteConfig } from "@photoreel/adapters";
import { ConfigError, loadConfig } from "@photoreel/config";
import { checkFfmpeg, useFfmpeg } from "@photoreel/render";
import { pino } from "pino";
import { startWorker } from "./worker";

const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { app: "worker", workerId: process.env.WORKER_ID ?? process.pid } });
const HEARTBEAT_FILE = "/tmp/worker-alive";

async function main() {
  let config = loadConfig();
  if (config.STACK === "aws") config = loadConfig({ ...process.env, ...(await loadRemoteConfig(config, process.env)) });
  // A broken image (no FFmpeg, no libx264, no drawtext) stops here, saying what is missing, and takes no job.
  useFfmpeg({ ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH });
  await checkFfmpeg();
  const worker = startWorker(config, log, { onAlive: () => void touch() });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "signal received");
    await worker.stop(config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** The container HEALTHCHECK looks at this file's age. */
async function touch() {
  const now = new Date();
  await utimes(HEARTBEAT_FILE, now, now).catch(() => writeFile(HEARTBEAT_FILE, ""));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  log.fatal({ err }, "worker failed to start");
  process.exit(1);
});
