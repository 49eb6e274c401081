import { CreateAudioUploadInputSchema, IdSchema } from "@photoreel/contracts";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { protectedProcedure, router } from "../trpc";

interface Track {
  id: string;
  status: string;
  filename: string;
  bytes: number;
  rejectReason: string | null;
  createdAt: Date;
}
const view = (a: Track) => ({ id: a.id, status: a.status, filename: a.filename, bytes: a.bytes, rejectReason: a.rejectReason, createdAt: a.createdAt.toISOString() });

export const audioRouter = router({
  createUpload: protectedProcedure.input(CreateAudioUploadInputSchema).mutation(({ ctx, input }) => ctx.services.videos.createAudioUpload(ctx.user.sub, input)),
  completeUpload: protectedProcedure.input(z.object({ id: IdSchema })).mutation(async ({ ctx, input }) => {
    const track = await ctx.services.videos.completeAudioUpload(ctx.user.sub, input.id);
    if (!track) throw new TRPCError({ code: "NOT_FOUND", message: "Audio track not found" });
    return view(track);
  }),
  list: protectedProcedure.query(async ({ ctx }) => (await ctx.services.videos.listAudio(ctx.user.sub)).map(view)),
  delete: protectedProcedure.input(z.object({ id: IdSchema })).mutation(({ ctx, input }) => ctx.services.videos.deleteAudio(ctx.user.sub, input.id)),
});
