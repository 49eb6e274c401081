import { ListVideosInputSchema, ShareIdInputSchema, ShareVideoInputSchema, VideoIdInputSchema, VideoSpecSchema } from "@photoreel/contracts";
import { protectedProcedure, router } from "../trpc";

export const videosRouter = router({
  create: protectedProcedure.input(VideoSpecSchema).mutation(({ ctx, input }) => ctx.services.videos.create(ctx.user.sub, input)),
  preview: protectedProcedure.input(VideoSpecSchema).mutation(({ ctx, input }) => ctx.services.videos.preview(ctx.user.sub, input)),
  list: protectedProcedure.input(ListVideosInputSchema).query(({ ctx, input }) => ctx.services.videos.list(ctx.user.sub, input)),
  get: protectedProcedure.input(VideoIdInputSchema).query(({ ctx, input }) => ctx.services.videos.get(ctx.user.sub, input.id)),
  renderTimeEstimate: protectedProcedure.query(({ ctx }) => ctx.services.videos.renderTimeEstimate()),
  spec: protectedProcedure.input(VideoIdInputSchema).query(({ ctx, input }) => ctx.services.videos.spec(ctx.user.sub, input.id)),
  cancel: protectedProcedure.input(VideoIdInputSchema).mutation(({ ctx, input }) => ctx.services.videos.cancel(ctx.user.sub, input.id)),
  retry: protectedProcedure.input(VideoIdInputSchema).mutation(({ ctx, input }) => ctx.services.videos.retry(ctx.user.sub, input.id)),
  delete: protectedProcedure.input(VideoIdInputSchema).mutation(({ ctx, input }) => ctx.services.videos.delete(ctx.user.sub, input.id)),
  share: protectedProcedure.input(ShareVideoInputSchema).mutation(({ ctx, input }) => ctx.services.videos.share(ctx.user.sub, input.id, input.expiresInHours)),
  listShares: protectedProcedure.input(VideoIdInputSchema).query(({ ctx, input }) => ctx.services.videos.listShares(ctx.user.sub, input.id)),
  revokeShare: protectedProcedure.input(ShareIdInputSchema).mutation(({ ctx, input }) => ctx.services.videos.revokeShare(ctx.user.sub, input.shareId)),
});
