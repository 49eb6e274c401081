import {
  PHOTO_CONTENT_TYPES,
  PHOTO_FORMAT_NAMES,
  type CreateUploadsResult,
  type PhotoView,
  type UploadFile,
} from "@photoreel/contracts";
import { DomainError, notFound } from "../errors";
import { uuidv7 } from "../ids";
import { keys, type Photo, type PhotoSort } from "../model";
import type { ServiceDeps } from "./deps";

const UPLOAD_EXPIRES_S = 15 * 60;
const VIEW_URL_EXPIRES_S = 15 * 60;
/** Parts are at least 5 MiB (S3's minimum, except the last); browsers upload files above this in parts. */
const MULTIPART_PART_BYTES = 8 * 1024 * 1024;

const allowed = new Set<string>(PHOTO_CONTENT_TYPES);

export function createPhotoService(d: ServiceDeps) {
  const checkFile = (f: UploadFile): string | null => {
    if (!allowed.has(f.contentType)) return `"${f.filename}" is not a supported photo type (${f.contentType || "unknown"}). Upload ${PHOTO_FORMAT_NAMES}.`;
    if (f.bytes === 0) return `"${f.filename}" is empty. Choose the file again.`;
    if (f.bytes > d.limits.maxUploadBytes) return `"${f.filename}" is ${mb(f.bytes)}; the limit is ${mb(d.limits.maxUploadBytes)} per photo.`;
    return null;
  };

  const checkQuota = async (ownerId: string, count: number, bytes: number) => {
    const usage = await d.photos.usage(ownerId);
    if (usage.count + count > d.limits.quotaPhotos)
      throw new DomainError("PRECONDITION_FAILED", `This would exceed your limit of ${d.limits.quotaPhotos} photos (you have ${usage.count}). Delete some photos first.`);
    if (usage.bytes + bytes > d.limits.quotaBytes)
      throw new DomainError("PRECONDITION_FAILED", `This would exceed your storage limit of ${mb(d.limits.quotaBytes)} (${mb(usage.bytes)} used). Delete some photos first.`);
  };

  const view = async (p: Photo): Promise<PhotoView> => {
    const ready = p.status === "ready";
    const [thumbnailUrl, previewUrl] = ready
      ? await Promise.all([
          d.blobs.presignDownload(keys.photoThumb(p.ownerId, p.id), VIEW_URL_EXPIRES_S),
          d.blobs.presignDownload(keys.photoPreview(p.ownerId, p.id), VIEW_URL_EXPIRES_S),
        ])
      : [null, null];
    return {
      id: p.id,
      status: p.status,
      filename: p.filename,
      contentType: p.contentType,
      bytes: p.bytes,
      width: p.width,
      height: p.height,
      takenAt: p.takenAt?.toISOString() ?? null,
      cameraMake: p.cameraMake,
      cameraModel: p.cameraModel,
      caption: p.caption,
      rejectReason: p.rejectReason,
      duplicateOf: p.duplicateOf,
      focal: p.focal,
      createdAt: p.createdAt.toISOString(),
      thumbnailUrl,
      previewUrl,
    };
  };

  const reject = async (p: Photo, reason: string) => {
    await d.blobs.delete([keys.photoOriginal(p.ownerId, p.id)]);
    return d.photos.update(p.ownerId, p.id, { status: "rejected", rejectReason: reason, uploadId: null }, { fromStatus: ["uploading", "processing"] });
  };

  const getOwned = async (ownerId: string, id: string) => {
    const p = await d.photos.get(ownerId, id);
    if (!p) throw notFound("Photo");
    return p;
  };

  return {
    /** Presigned form uploads for a batch; bad files are reported per file and the rest still go ahead. */
    async createUploads(ownerId: string, files: UploadFile[]): Promise<CreateUploadsResult> {
      const checked = files.map((f, index) => ({ f, index, reason: checkFile(f) }));
      const ok = checked.filter((c) => c.reason === null);
      await checkQuota(ownerId, ok.length, ok.reduce((a, c) => a + c.f.bytes, 0));
      const rows = ok.map((c) => ({ id: uuidv7(), ownerId, filename: c.f.filename, contentType: c.f.contentType, bytes: c.f.bytes, uploadId: null }));
      await d.photos.insertMany(rows);
      const expiresAt = new Date(d.clock.now().getTime() + UPLOAD_EXPIRES_S * 1000).toISOString();
      const forms = await Promise.all(
        rows.map((r) =>
          d.blobs.presignPost(keys.photoOriginal(ownerId, r.id), {
            contentType: r.contentType,
            minBytes: 1,
            maxBytes: Math.min(d.limits.maxUploadBytes, r.bytes),
            expiresIn: UPLOAD_EXPIRES_S,
          }),
        ),
      );
      const byIndex = new Map(ok.map((c, i) => [c.index, { row: rows[i]!, form: forms[i]! }]));
      return {
        results: checked.map((c) => {
          const hit = byIndex.get(c.index);
          return hit
            ? { index: c.index, ok: true as const, photoId: hit.row.id, upload: hit.form, expiresAt }
            : { index: c.index, ok: false as const, filename: c.f.filename, reason: c.reason ?? "rejected" };
        }),
      };
    },

    async createMultipart(ownerId: string, f: UploadFile) {
      const reason = checkFile(f);
      if (reason) throw new DomainError("BAD_REQUEST", reason);
      await checkQuota(ownerId, 1, f.bytes);
      const id = uuidv7();
      const { uploadId } = await d.blobs.createMultipart(keys.photoOriginal(ownerId, id), f.contentType);
      await d.photos.insertMany([{ id, ownerId, filename: f.filename, contentType: f.contentType, bytes: f.bytes, uploadId }]);
      return { photoId: id, partBytes: MULTIPART_PART_BYTES, partCount: Math.max(1, Math.ceil(f.bytes / MULTIPART_PART_BYTES)) };
    },

    /** URLs for the parts still missing, plus the parts S3 already has (so a resumed upload skips them). */
    async presignParts(ownerId: string, id: string, partNumbers: number[]) {
      const p = await getOwned(ownerId, id);
      if (p.status !== "uploading" || !p.uploadId) throw new DomainError("PRECONDITION_FAILED", "This upload is finished or was canceled; start it again");
      const key = keys.photoOriginal(ownerId, id);
      const maxPart = Math.max(1, Math.ceil(p.bytes / MULTIPART_PART_BYTES));
      const bad = partNumbers.find((n) => n > maxPart);
      if (bad) throw new DomainError("BAD_REQUEST", `Part ${bad} is beyond the end of the file (${maxPart} parts)`);
      const [uploaded, urls] = await Promise.all([
        d.blobs.listParts(key, p.uploadId),
        Promise.all(partNumbers.map(async (n) => ({ partNumber: n, url: await d.blobs.presignPart(key, p.uploadId!, n, UPLOAD_EXPIRES_S) }))),
      ]);
      return { parts: urls, uploaded: uploaded.map((u) => ({ partNumber: u.partNumber, etag: u.etag, size: u.size })) };
    },

    async completeMultipart(ownerId: string, id: string) {
      const p = await getOwned(ownerId, id);
      if (p.status !== "uploading" || !p.uploadId) return view(p);
      const key = keys.photoOriginal(ownerId, id);
      const parts = await d.blobs.listParts(key, p.uploadId);
      const expected = Math.max(1, Math.ceil(p.bytes / MULTIPART_PART_BYTES));
      const total = parts.reduce((a, x) => a + x.size, 0);
      if (parts.length !== expected || total !== p.bytes)
        throw new DomainError("PRECONDITION_FAILED", `The upload is incomplete (${parts.length} of ${expected} parts); send the missing parts and complete again`);
      await d.blobs.completeMultipart(key, p.uploadId, parts.map((x) => ({ partNumber: x.partNumber, etag: x.etag })));
      await d.photos.update(ownerId, id, { uploadId: null });
      return this.completeUpload(ownerId, id);
    },

    async abortMultipart(ownerId: string, id: string) {
      const p = await getOwned(ownerId, id);
      if (p.uploadId) await d.blobs.abortMultipart(keys.photoOriginal(ownerId, id), p.uploadId);
      if (p.status === "uploading") await d.photos.deleteMany(ownerId, [id]);
    },

    /** Verifies what really arrived in S3 (size, magic bytes); the declared type is never trusted. */
    async completeUpload(ownerId: string, id: string): Promise<PhotoView> {
      const p = await getOwned(ownerId, id);
      if (p.status !== "uploading") return view(p);
      const key = keys.photoOriginal(ownerId, id);
      const head = await d.blobs.head(key);
      if (!head) throw new DomainError("PRECONDITION_FAILED", "The file has not arrived yet; upload it and then complete");
      let reason: string | null = null;
      if (head.size === 0) reason = "This file is empty (0 bytes). Choose the photo again.";
      else if (head.size > d.limits.maxUploadBytes) reason = `This file is ${mb(head.size)}; the limit is ${mb(d.limits.maxUploadBytes)} per photo.`;
      else if (!d.sniffer.photoType(await d.blobs.readRange(key, 0, d.sniffer.headBytes - 1)))
        reason = `This file is not a photo we can read. Upload a ${PHOTO_FORMAT_NAMES}.`;
      if (reason) return view((await reject(p, reason)) ?? p);
      const updated = await d.photos.update(ownerId, id, { status: "processing", bytes: head.size }, { fromStatus: ["uploading"] });
      d.processing.photoUploaded(ownerId, id);
      return view(updated ?? (await getOwned(ownerId, id)));
    },

    async list(ownerId: string, opts: ListPhotosOptions) {
      const { q, from, to, status, ...rest } = opts;
      const page = await d.photos.list(ownerId, {
        ...rest,
        ...(status ? { status: typeof status === "string" ? [status] : [...new Set(status)] } : {}),
        ...(q ? { words: searchWords(q) } : {}),
        ...(from ? { from: new Date(from) } : {}),
        ...(to ? { to: new Date(to) } : {}),
      });
      return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
    },

    async get(ownerId: string, id: string) {
      return view(await getOwned(ownerId, id));
    },

    async updateCaption(ownerId: string, id: string, caption: string | null) {
      const p = await d.photos.update(ownerId, id, { caption: caption || null });
      if (!p) throw notFound("Photo");
      return view(p);
    },

    /**
     * Moves the photo's focal point (0..1 of the auto-oriented photo, checked by the input schema). Only once the
     * photo is ready: until then the processor may still write the point it detects over the user's.
     */
    async setFocalPoint(ownerId: string, id: string, focal: { x: number; y: number }) {
      const p = await d.photos.update(ownerId, id, { focal: { x: focal.x, y: focal.y } }, { fromStatus: ["ready"] });
      if (p) return view(p);
      await getOwned(ownerId, id);
      throw new DomainError("PRECONDITION_FAILED", "This photo is not ready yet; set its focus once it has finished processing.");
    },

    /** Deletes the rows and every object of those photos. Rendered videos keep their own copies. */
    async delete(ownerId: string, ids: string[]) {
      const unique = [...new Set(ids)];
      // All or nothing: one id that is not the caller's fails the whole request and changes nothing.
      if ((await d.photos.getMany(ownerId, unique)).length !== unique.length) throw notFound("Photo");
      const deleted = await d.photos.deleteMany(ownerId, unique);
      await Promise.all(deleted.filter((p) => p.uploadId).map((p) => d.blobs.abortMultipart(keys.photoOriginal(ownerId, p.id), p.uploadId!).catch(() => {})));
      await d.blobs.delete(
        deleted.flatMap((p) => [keys.photoOriginal(ownerId, p.id), keys.photoChecked(ownerId, p.id), keys.photoThumb(ownerId, p.id), keys.photoPreview(ownerId, p.id)]),
      );
      return { deleted: deleted.map((p) => p.id) };
    },

    async usage(ownerId: string) {
      const [u, audio] = await Promise.all([d.photos.usage(ownerId), d.audio.usage(ownerId)]);
      return {
        ...u, quotaPhotos: d.limits.quotaPhotos, quotaBytes: d.limits.quotaBytes, maxUploadBytes: d.limits.maxUploadBytes,
        // Music is stored, and limited, apart from photos: the counts above stay photos only.
        audio: { ...audio, quotaTracks: d.limits.quotaAudioTracks, quotaBytes: d.limits.quotaAudioBytes, maxUploadBytes: d.limits.maxAudioBytes },
      };
    },
  };
}
export type PhotoService = ReturnType<typeof createPhotoService>;

export interface ListPhotosOptions {
  sort: PhotoSort;
  limit: number;
  cursor?: string | null;
  status?: Photo["status"] | Photo["status"][];
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const MAX_SEARCH_WORDS = 8;

/** "Beach  rome beach" -> ["beach", "rome"]: each word must occur in the file name or caption. */
export function searchWords(q: string): string[] {
  const words = [...new Set(q.toLowerCase().split(/\s+/).filter(Boolean))];
  if (words.length > MAX_SEARCH_WORDS) throw new DomainError("BAD_REQUEST", `Search for at most ${MAX_SEARCH_WORDS} words at a time.`);
  return words;
}

function mb(n: number) {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}
