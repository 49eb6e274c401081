export { startTestStack, PASSWORD, type Caller, type TestStack } from "./stack";
export { draftSpec, postForm, uploadPhotos } from "./uploads";
export { BUNDLED_WORKER, spawnWorker, until, type WorkerProcess } from "./worker-process";
export { trpcHttp } from "./http";
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver";
