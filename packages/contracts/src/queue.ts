import { z } from "zod";

export const RenderMessageSchema = z.object({
  kind: z.literal("render"),
  ownerId: z.string().min(1),
  videoId: z.uuid(),
  /** Increments on every retry so a stale message for an earlier attempt is recognised and dropped. */
  attempt: z.number().int().nonnegative(),
});
export type RenderMessage = z.infer<typeof RenderMessageSchema>;
