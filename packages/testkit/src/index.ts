export { spawnWorker, until, type WorkerProcess } from "./worker-process";
export { rawGet, trpcHttp } from "./http";
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver";
