import { z } from "zod";
import { FocalPointSchema, type FocalPoint } from "./video-spec";

/**
 * The photo formats that work end to end (upload, thumbnails, metadata, rendering): the one list the upload box, the
 * API's checks, every error message and the README name. Whether bytes really are one of these is decided by the
 * images package's sniffer (`@photoreel/images/sniff`), never by the declared type or the file name.
 */
export const PHOTO_FORMATS = [
  { name: "JPEG", contentTypes: ["image/jpeg"], extensions: ["jpg", "jpeg"] },
  { name: "PNG", contentTypes: ["image/png"], extensions: ["png"] },
  { name: "WebP", contentTypes: ["image/webp"], extensions: ["webp"] },
  { name: "HEIC", contentTypes: ["image/heic", "image/heif"], extensions: ["heic", "heif"] },
  { name: "AVIF", contentTypes: ["image/avif"], extensions: ["avif"] },
  { name: "GIF", contentTypes: ["image/gif"], extensions: ["gif"] },
] as const;
type PhotoContentType = (typeof PHOTO_FORMATS)[number]["contentTypes"][number];
export const PHOTO_CONTENT_TYPES = PHOTO_FORMATS.flatMap((f) => f.contentTypes) as [PhotoContentType, ...PhotoContentType[]];
/** "JPEG, PNG, WebP, HEIC, AVIF or GIF", for messages and hints. */
export const PHOTO_FORMAT_NAMES = `${PHOTO_FORMATS.slice(0, -1).map((f) => f.name).join(", ")} or ${PHOTO_FORMATS.at(-1)!.name}`;
/** File name extension (lower case, no dot) -> content type, for files a browser gives no type. */
export const PHOTO_EXTENSION_TYPES: Readonly<Record<string, PhotoContentType>> = Object.fromEntries(
  PHOTO_FORMATS.flatMap((f) => f.extensions.map((ext) => [ext, f.contentTypes[0]])),
);
export const AUDIO_CONTENT_TYPES = ["audio/mpeg", "audio/mp4", "audio/aac", "audio/wav", "audio/ogg"] as const;
export const PhotoStatusSchema = z.enum(["uploading", "processing", "ready", "rejected"]);
export type PhotoStatus = z.infer<typeof PhotoStatusSchema>;

export const IdSchema = z.uuid({ message: "must be an id" });
/** Text that is stored in the database, which cannot hold U+0000: refused here, naming the field. */
export const storedText = () => z.string().refine((s) => !s.includes("\u0000"), "Remove the invisible NUL characters (\\u0000) from this text");
const FilenameSchema = storedText().trim().min(1, "the file needs a name").max(255, "file names are limited to 255 characters");

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
export const UpdateCaptionInputSchema = z.object({ id: IdSchema, caption: storedText().trim().max(500, "captions are limited to 500 characters").nullable() });
export const SetFocalPointInputSchema = z.object({ id: IdSchema }).extend(FocalPointSchema.shape);
export const PhotoSortSchema = z.enum(["uploaded", "taken"]);
/** Longest search text accepted; a longer one is a mistake or an attack, not a search. */
export const PHOTO_SEARCH_MAX_CHARS = 200;
const InstantSchema = z.iso.datetime({ offset: true, message: "must be a date and time (ISO 8601)" });
export const ListPhotosInputSchema = z
  .object({
    sort: PhotoSortSchema.default("uploaded"),
    limit: z.number().int().min(1).max(100).default(50),
    cursor: z.string().max(500).nullish(),
    /** One status, or any of several. */
    status: z.union([PhotoStatusSchema, z.array(PhotoStatusSchema).min(1).max(4)]).optional(),
    /** Words that must all appear in the file name or the caption (any case, any part of a word). */
    q: z.string().trim().max(PHOTO_SEARCH_MAX_CHARS, `search for at most ${PHOTO_SEARCH_MAX_CHARS} characters`).optional(),
    /**
     * Date range on the date the library groups by: when the photo was taken, or uploaded when that is unknown.
     * `from` is inclusive, `to` exclusive; the browser sends its own local midnights.
     */
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
  })
  .refine((v) => !v.from || !v.to || Date.parse(v.from) < Date.parse(v.to), { message: "the start date must be before the end date", path: ["to"] });
export type ListPhotosInput = z.input<typeof ListPhotosInputSchema>;

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
  /** Where the subject is (0..1 of the auto-oriented photo); null = not known, treated as the centre. */
  focal: FocalPoint | null;
  createdAt: string;
  thumbnailUrl: string | null;
  previewUrl: string | null;
}

export const CreateAudioUploadInputSchema = UploadFileSchema;

/** A music track as the API returns it. */
export interface AudioView {
  id: string;
  status: "uploading" | "ready" | "rejected";
  filename: string;
  bytes: number;
  rejectReason: string | null;
  /** The track's tempo from its detected beats (issue 16), or null when it has none to cut on. */
  tempoBpm?: number | null;
  /** A short-lived address to play the checked track from (the composer's live preview); only on `audio.list`. */
  listenUrl?: string | null;
  /**
   * Only on `audio.list`, for the composer's live preview to cut on the beat as the render will (see withTrackBeats):
   * the detected beats (seconds from the track's start; empty when none were found, null before detection) and the
   * track's length (a short track loops, and its beats with it).
   */
  beats?: readonly number[] | null;
  durationSeconds?: number | null;
  createdAt: string;
}
