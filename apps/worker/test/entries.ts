import { fileURLToPath } from "node:url";

/**
 * This app's entries as its package names them (package.json "exports"): its source, and the bundle its image runs
 * (`pnpm --filter @photoreel/worker build`). The end-to-end tests spawn them as processes, as ECS and the embedded
 * start do, with @photoreel/testkit's spawnWorker.
 */
export const WORKER = fileURLToPath(import.meta.resolve("@photoreel/worker/main"));
export const WORKER_BUNDLE = fileURLToPath(import.meta.resolve("@photoreel/worker/bundle"));
