export * from "./client";
export type { Database } from "./schema";
export { migrateToLatest, migrateDown, migrationNames } from "./migrate";
export { userRepository } from "./repositories/users";
export { photoRepository } from "./repositories/photos";
export { audioRepository } from "./repositories/audio";
export { pgRateLimiter } from "./repositories/rate-limits";
export { shareRepository } from "./repositories/shares";
