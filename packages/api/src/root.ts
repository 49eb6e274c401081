import { adminRouter } from "./routers/admin";
import { audioRouter } from "./routers/audio";
import { authRouter } from "./routers/auth";
import { photosRouter } from "./routers/photos";
import { videosRouter } from "./routers/videos";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  photos: photosRouter,
  audio: audioRouter,
  videos: videosRouter,
  admin: adminRouter,
});
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
