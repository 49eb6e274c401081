import {
  CompleteMultipartInputSchema,
  CreateMultipartInputSchema,
  CreateUploadsInputSchema,
  ListPhotosInputSchema,
  PhotoIdInputSchema,
  PhotoIdsInputSchema,
  PresignPartsInputSchema,
  SetFocalPointInputSchema,
  UpdateCaptionInputSchema,
} from "@photoreel/contracts";
import { trace } from "@opentelemetry/api";
import { protectedProcedure, router } from "../trpc";

/**
 * The photo ids on the procedure's span. S3 events carry no trace context, so the thumbnailer's span for a photo
 * starts its own trace: the shared `photoreel.photo_id` (an indexed X-Ray annotation on AWS) joins the two in a search.
 */
function tracePhotos(ids: string[]) {
  const span = trace.getActiveSpan();
  if (!span || ids.length === 0) return;
  if (ids.length === 1) span.setAttribute("photoreel.photo_id", ids[0]!);
  else span.setAttribute("photoreel.photo_ids", ids);
}

export const photosRouter = router({
  createUploads: protectedProcedure.input(CreateUploadsInputSchema).mutation(async ({ ctx, input }) => {
    const out = await ctx.services.photos.createUploads(ctx.user.sub, input.files);
    tracePhotos(out.results.flatMap((r) => (r.ok ? [r.photoId] : [])));
    return out;
  }),
  createMultipart: protectedProcedure.input(CreateMultipartInputSchema).mutation(async ({ ctx, input }) => {
    const out = await ctx.services.photos.createMultipart(ctx.user.sub, input);
    tracePhotos([out.photoId]);
    return out;
  }),
  presignParts: protectedProcedure.input(PresignPartsInputSchema).mutation(({ ctx, input }) => ctx.services.photos.presignParts(ctx.user.sub, input.id, input.partNumbers)),
  completeMultipart: protectedProcedure.input(CompleteMultipartInputSchema).mutation(({ ctx, input }) => {
    tracePhotos([input.id]);
    return ctx.services.photos.completeMultipart(ctx.user.sub, input.id);
  }),
  abortMultipart: protectedProcedure.input(PhotoIdInputSchema).mutation(async ({ ctx, input }) => {
    await ctx.services.photos.abortMultipart(ctx.user.sub, input.id);
    return { ok: true };
  }),
  completeUpload: protectedProcedure.input(PhotoIdInputSchema).mutation(({ ctx, input }) => {
    tracePhotos([input.id]);
    return ctx.services.photos.completeUpload(ctx.user.sub, input.id);
  }),
  list: protectedProcedure.input(ListPhotosInputSchema).query(({ ctx, input }) => ctx.services.photos.list(ctx.user.sub, input)),
  get: protectedProcedure.input(PhotoIdInputSchema).query(({ ctx, input }) => ctx.services.photos.get(ctx.user.sub, input.id)),
  updateCaption: protectedProcedure.input(UpdateCaptionInputSchema).mutation(({ ctx, input }) => ctx.services.photos.updateCaption(ctx.user.sub, input.id, input.caption)),
  setFocalPoint: protectedProcedure.input(SetFocalPointInputSchema).mutation(({ ctx, input }) => ctx.services.photos.setFocalPoint(ctx.user.sub, input.id, { x: input.x, y: input.y })),
  delete: protectedProcedure.input(PhotoIdsInputSchema).mutation(({ ctx, input }) => ctx.services.photos.delete(ctx.user.sub, input.ids)),
  usage: protectedProcedure.query(({ ctx }) => ctx.services.photos.usage(ctx.user.sub)),
});
