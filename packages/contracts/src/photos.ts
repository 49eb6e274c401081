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

export const IdSchema = z.uuid({ message: "must be an id" });
const FilenameSchema = z.string().trim().min(1, "the file needs a name").max(255, "file names are limited to 255 characters");

export const UploadFileSchema = z.object({
  filename: FilenameSchema,
  contentType: z.string().max(100),
  bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export type UploadFile = z.infer<typeof UploadFileSchema>;

export const CreateUploadsInputSchema = z.object({
  files: z.array(UploadFileSchema).min(1, "choose at least one file").max(100, "upload at most 100 files at a time"),
});

export interface PresignedForm {
  url: string;
  fields: Record<string, string>;
}
export type CreateUploadsResult = {
  /** One entry per input file, in order. */
  results: (
    | { index: number; ok: true; photoId: string; upload: PresignedForm; expiresAt: string }
    | { index: number; ok: false; filename: string; reason: string }
  )[];
};

export const CreateMultipartInputSchema = UploadFileSchema;
export const PresignPartsInputSchema = z.object({
  id: IdSchema,
  /** Empty: only ask which parts S3 already has (resuming). */
  partNumbers: z.array(z.number().int().min(1).max(10_000)).max(1000),
});
export const CompleteMultipartInputSchema = z.object({ id: IdSchema });
export const PhotoIdInputSchema = z.object({ id: IdSchema });
export const PhotoIdsInputSchema = z.object({ ids: z.array(IdSchema).min(1, "select at least one photo").max(500) });
export const UpdateCaptionInputSchema = z.object({ id: IdSchema, caption: z.string().trim().max(500, "captions are limited to 500 characters").nullable() });
export const PhotoSortSchema = z.enum(["uploaded", "taken"]);
export const ListPhotosInputSchema = z.object({
  sort: PhotoSortSchema.default("uploaded"),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).nullish(),
  status: PhotoStatusSchema.optional(),
});

/** A photo as the API returns it. */
export interface PhotoView {
  id: string;
  status: PhotoStatus;
  filename: string;
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  caption: string | null;
  rejectReason: string | null;
  duplicateOf: string | null;
  createdAt: string;
  thumbnailUrl: string | null;
  previewUrl: string | null;
}

export const CreateAudioUploadInputSchema = UploadFileSchema;
