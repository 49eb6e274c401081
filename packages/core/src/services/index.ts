export * from "./deps";
export * from "./photo-service";
export * from "./photo-processor";
export * from "./video-service";
export * from "./audio-service";
export * from "./auth-service";
export * from "./admin-service";

import type { ServiceDeps } from "./deps";
import { createAdminService } from "./admin-service";
import { createAudioService } from "./audio-service";
import { createAuthService } from "./auth-service";
import { createPhotoService } from "./photo-service";
import { createVideoService } from "./video-service";

export function createServices(deps: ServiceDeps) {
  return {
    auth: createAuthService(deps),
    photos: createPhotoService(deps),
    videos: createVideoService(deps),
    audio: createAudioService(deps),
    admin: createAdminService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
export * from "./orphan-sweeper";
export * from "./upload-backfill";
