import {
  CompleteMultipartInputSchema,
  CreateMultipartInputSchema,
  CreateUploadsInputSchema,
  ListPhotosInputSchema,
  PhotoIdInputSchema,
  PhotoIdsInputSchema,
  PresignPartsInputSchema,
  UpdateCaptionInputSchema,
} from "@photoreel/contracts";
import { protectedProcedure, router } from "../trpc";

export const photosRouter = router({
  createUploads: protectedProcedure.input(CreateUploadsInputSchema).mutation(({ ctx, input }) => ctx.services.photos.createUploads(ctx.user.sub, input.files)),
  createMultipart: protectedProcedure.input(CreateMultipartInputSchema).mutation(({ ctx, input }) => ctx.services.photos.createMultipart(ctx.user.sub, input)),
  presignParts: protectedProcedure.input(PresignPartsInputSchema).mutation(({ ctx, input }) => ctx.services.photos.presignParts(ctx.user.sub, input.id, input.partNumbers)),
  completeMultipart: protectedProcedure.input(CompleteMultipartInputSchema).mutation(({ ctx, input }) => ctx.services.photos.completeMultipart(ctx.user.sub, input.id)),
  abortMultipart: protectedProcedure.input(PhotoIdInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.services.photos.abortMultipart(ctx.user.sub, input.id);
    return { ok: true };
  }),
  completeUpload: protectedProcedure.input(PhotoIdInputSchema).mutation(({ ctx, input }) => ctx.services.photos.completeUpload(ctx.user.sub, input.id)),
  list: protectedProcedure.input(ListPhotosInputSchema).query(({ ctx, input }) => ctx.services.photos.list(ctx.user.sub, input)),
  get: protectedProcedure.input(PhotoIdInputSchema).query(({ ctx, input }) => ctx.services.photos.get(ctx.user.sub, input.id)),
  updateCaption: protectedProcedure.input(UpdateCaptionInputSchema).mutation(({ ctx, input }) => ctx.services.photos.updateCaption(ctx.user.sub, input.id, input.caption)),
  delete: protectedProcedure.input(PhotoIdsInputSchema).mutation(({ ctx, input }) => ctx.services.photos.delete(ctx.user.sub, input.ids)),
  usage: protectedProcedure.query(({ ctx }) => ctx.services.photos.usage(ctx.user.sub)),
});
