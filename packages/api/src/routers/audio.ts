import { CreateAudioUploadInputSchema, IdSchema } from "@photoreel/contracts";
import { z } from "zod";
import { protectedProcedure, router } from "../trpc";

export const audioRouter = router({
  createUpload: protectedProcedure.input(CreateAudioUploadInputSchema).mutation(({ ctx, input }) => ctx.services.audio.createUpload(ctx.user.sub, input)),
  completeUpload: protectedProcedure.input(z.object({ id: IdSchema })).mutation(({ ctx, input }) => ctx.services.audio.completeUpload(ctx.user.sub, input.id)),
  list: protectedProcedure.query(({ ctx }) => ctx.services.audio.list(ctx.user.sub)),
  delete: protectedProcedure.input(z.object({ id: IdSchema })).mutation(({ ctx, input }) => ctx.services.audio.delete(ctx.user.sub, input.id)),
});
