import { IdSchema, storedText, VideoStatusSchema } from "@photoreel/contracts";
import { z } from "zod";
import { adminProcedure, router } from "../trpc";

export const adminRouter = router({
  users: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(50), cursor: z.string().max(500).nullish(), search: storedText().trim().max(254).optional() }))
    .query(({ ctx, input }) => ctx.services.admin.users(input)),
  jobs: adminProcedure
    .input(z.object({ status: VideoStatusSchema, limit: z.number().int().min(1).max(100).default(50), cursor: z.string().max(1000).nullish() }))
    .query(({ ctx, input }) => ctx.services.admin.jobs(input)),
  queues: adminProcedure.query(({ ctx }) => ctx.services.admin.queues()),
  redriveDlq: adminProcedure.mutation(({ ctx }) => ctx.services.admin.redriveDlq()),
  retryJob: adminProcedure.input(z.object({ ownerId: z.string().min(1).max(128), videoId: IdSchema })).mutation(({ ctx, input }) => ctx.services.admin.retryJob(input.ownerId, input.videoId)),
  renderStats: adminProcedure.query(({ ctx }) => ctx.services.admin.renderStats()),
  /** Operators: pin uploads from before upload pinning, one bounded batch per call (README, Day two). */
  backfillUploads: adminProcedure
    .input(z.object({ kind: z.enum(["photos", "audio"]), limit: z.number().int().min(1).max(200).default(50), cursor: z.string().max(100).nullish() }))
    .mutation(({ ctx, input }) => ctx.services.admin.backfillUploads(input.kind, input)),
  sweepOrphans: adminProcedure.input(z.object({ dryRun: z.boolean().default(true) })).mutation(({ ctx, input }) => ctx.services.admin.sweepOrphans(input.dryRun)),
});
