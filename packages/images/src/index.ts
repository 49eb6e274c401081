import sharp from "sharp";

// A long-running server sees each upload once, so libvips' operation cache never hits and only holds memory.
// Concurrency stays at sharp's default: 1 thread per image on glibc without jemalloc (this machine), which avoids
// glibc arena fragmentation; parallelism comes from processing several photos at once instead.
sharp.cache(false);

export { AudioRejectedError, PhotoRejectedError } from "./errors";
export type { AudioRejectionCode, PhotoRejectionCode } from "./errors";
export { openPhoto } from "./open-photo";
export type { OpenedPhoto, PhotoFormat, PhotoLimits, PixelOptions, RawPixels } from "./open-photo";
export { processPhoto, PREVIEW_SIZE, THUMBNAIL_SIZE } from "./process-photo";
export type { ProcessedPhoto, ProcessOptions } from "./process-photo";
export { detectFocalPoint, FOCAL_STRATEGY, focalPointBy } from "./focal";
export type { Focal, FocalStrategy } from "./focal";
export { beatsOf, detectBeats, MAX_BEATS } from "./beats";
export { AUDIO_DEMUXER, createAudioProber, probeAudio } from "./probe-audio";
export { mediaSniffer, SNIFF_BYTES, sniffAudioType, sniffImageType } from "./sniff";
export type { AudioContentType, ImageContentType } from "./sniff";
export { createPhotoDecoder } from "./decoder";
