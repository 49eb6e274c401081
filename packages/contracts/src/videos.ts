import { z } from "zod";
import { IdSchema } from "./photos";

export const VideoStatusSchema = z.enum(["QUEUED", "RENDERING", "READY", "FAILED", "CANCELED"]);
export type VideoStatusValue = z.infer<typeof VideoStatusSchema>;
export const VideoIdInputSchema = z.object({ id: IdSchema });
export const ListVideosInputSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(1000).nullish(),
});
export const ShareVideoInputSchema = z.object({
  id: IdSchema,
  expiresInHours: z.number().int().min(1, "at least 1 hour").max(168, "at most 7 days").default(24),
});

export interface VideoView {
  id: string;
  kind: "video" | "preview";
  status: VideoStatusValue;
  title: string | null;
  progress: number;
  etaSeconds: number | null;
  error: string | null;
  photoCount: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  bytes: number | null;
  createdAt: string;
  updatedAt: string;
  videoUrl: string | null;
  downloadUrl: string | null;
  posterUrl: string | null;
}
