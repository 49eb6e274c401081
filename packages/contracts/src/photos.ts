import { z } from "zod";

export const PHOTO_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif"] as const;
export const PhotoContentTypeSchema = z.enum(PHOTO_CONTENT_TYPES, {
  message: "only JPEG, PNG, WebP, HEIC/HEIF and GIF photos are accepted",
});
export const AUDIO_CONTENT_TYPES = ["audio/mpeg", "audio/mp4", "audio/aac", "audio/wav", "audio/ogg"] as const;
export const AudioContentTypeSchema = z.enum(AUDIO_CONTENT_TYPES, {
  message: "only MP3, AAC/M4A, WAV and OGG audio is accepted",
});
export const PhotoStatusSchema = z.enum(["uploading", "processing", "ready", "rejected"]);
export type PhotoStatus = z.infer<typeof PhotoStatusSchema>;
