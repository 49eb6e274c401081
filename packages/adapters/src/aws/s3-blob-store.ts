import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { BlobHead, BlobListItem, BlobStore, PresignedPost, UploadedPart } from "@photoreel/core";

const isNotFound = (e: unknown): boolean => {
  if (!(e instanceof Error)) return false;
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return e.name === "NotFound" || e.name === "NoSuchKey" || status === 404;
};

/** RFC 6266 attachment header with an ASCII fallback and the UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** BlobStore on one S3 bucket. */
const SIGNING_WINDOW_MS = 5 * 60 * 1000;
const MAX_PRESIGN_S = 7 * 24 * 3600;
const URL_CACHE_MAX = 50_000;
/** While the credentials in hand are too short-lived to sign with, how often to ask their source for newer ones. */
const FORCED_REFRESH_EVERY_MS = 60_000;
type Credentials = Awaited<ReturnType<S3Client["config"]["credentials"]>>;
/** How long the credentials read for one signature serve the next ones without asking the SDK again (a list signs 100). */
const CREDENTIALS_REUSE_MS = 1000;
const lasts = (c: Credentials, until: number) => !c.expiration || c.expiration.getTime() >= until;

export class S3BlobStore implements BlobStore {
  private readonly urlCache = new Map<string, string>();
  /** The window and access key the cached URLs were signed in and with: a new window or a new set empties the cache. */
  private urlCacheWindow = 0;
  private urlCacheSigner = "";
  private lastForcedRefresh = 0;
  private held: { creds: Credentials; readAt: number } | null = null;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * The credentials a presigned URL or form will be signed with, made to last until `until` (epoch ms) where their
   * source allows. A signature dies with the credentials behind it: on AWS those are the task role's temporary ones,
   * which the SDK keeps until five minutes before they expire, whether or not the ECS agent already holds the next set.
   * So a URL signed late in a set's life would stop working before its stated expiry (a thumbnail that breaks, a
   * video that stops seeking). When the set in hand ends too soon this asks the source again, at most once a minute
   * (while it has nothing newer, the set in hand is used). Static keys (the stand-ins) never expire.
   */
  private signingCredentials(until: number): Credentials | Promise<Credentials> {
    const held = this.held;
    if (held && Date.now() - held.readAt < CREDENTIALS_REUSE_MS && lasts(held.creds, until)) return held.creds;
    return this.readCredentials(until);
  }

  private async readCredentials(until: number): Promise<Credentials> {
    const now = Date.now();
    const provider = this.s3.config.credentials;
    let creds = await provider();
    if (!lasts(creds, until) && now - this.lastForcedRefresh >= FORCED_REFRESH_EVERY_MS) {
      this.lastForcedRefresh = now;
      // A failed refresh leaves the set in hand, still valid for minutes; the SDK's own refresh reports a lasting failure.
      creds = await provider({ forceRefresh: true }).catch(() => creds);
    }
    this.held = { creds, readAt: now };
    return creds;
  }

  async presignPost(key: string, opts: { contentType: string; minBytes: number; maxBytes: number; expiresIn: number }): Promise<PresignedPost> {
    await this.signingCredentials(Date.now() + opts.expiresIn * 1000);
    // The policy pins key, type and size on real S3. (s3rver does not enforce it: completion re-checks size/type.)
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [
        ["content-length-range", opts.minBytes, opts.maxBytes],
        ["eq", "$Content-Type", opts.contentType],
        ["eq", "$key", key],
      ],
      Fields: { "Content-Type": opts.contentType },
      Expires: opts.expiresIn,
    });
    return { url, fields };
  }

  async createMultipart(key: string, contentType: string): Promise<{ uploadId: string }> {
    const out = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }));
    if (!out.UploadId) throw new Error("S3 returned no UploadId");
    return { uploadId: out.UploadId };
  }

  async presignPart(key: string, uploadId: string, partNumber: number, expiresIn: number): Promise<string> {
    await this.signingCredentials(Date.now() + expiresIn * 1000);
    return getSignedUrl(this.s3, new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }), { expiresIn });
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const out = await this.s3.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
      for (const p of out.Parts ?? []) {
        if (p.PartNumber !== undefined && p.ETag) parts.push({ partNumber: p.PartNumber, etag: p.ETag, size: p.Size ?? 0 });
      }
      if (!out.IsTruncated || !out.NextPartNumberMarker) break;
      marker = out.NextPartNumberMarker;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: sorted.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (e) {
      if (!(e instanceof Error && e.name === "NoSuchUpload") && !isNotFound(e)) throw e;
    }
  }

  /**
   * Download URLs are signed as of the start of a 5-minute window (and valid that much longer), so the same URL
   * comes back for the whole window: signing is ~1 ms of CPU (98% of a photo list's cost before this cache,
   * bench/api), and a stable URL lets browsers cache thumbnails between polls. The URL is reused only while the
   * credentials it was signed with are the ones in hand (signingCredentials).
   */
  async presignDownload(key: string, expiresIn: number, opts: { downloadName?: string; contentType?: string } = {}): Promise<string> {
    const window = Math.floor(Date.now() / SIGNING_WINDOW_MS) * SIGNING_WINDOW_MS;
    const lifetimeS = Math.min(MAX_PRESIGN_S, expiresIn + SIGNING_WINDOW_MS / 1000);
    const creds = await this.signingCredentials(window + lifetimeS * 1000);
    if (this.urlCacheWindow !== window || this.urlCacheSigner !== creds.accessKeyId) {
      this.urlCache.clear();
      this.urlCacheWindow = window;
      this.urlCacheSigner = creds.accessKeyId;
    }
    const cacheKey = `${window}|${expiresIn}|${key}|${opts.downloadName ?? ""}|${opts.contentType ?? ""}`;
    const hit = this.urlCache.get(cacheKey);
    if (hit) return hit;
    const url = await getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: opts.downloadName ? attachment(opts.downloadName) : undefined,
        ResponseContentType: opts.contentType,
      }),
      { expiresIn: lifetimeS, signingDate: new Date(window) },
    );
    if (this.urlCache.size >= URL_CACHE_MAX) this.urlCache.clear();
    this.urlCache.set(cacheKey, url);
    return url;
  }

  async head(key: string): Promise<BlobHead | null> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType, lastModified: out.LastModified };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async readRange(key: string, start: number, end: number): Promise<Buffer> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end}` }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (e) {
      // A range that starts past the end of the object: S3 answers 416; the contract says "fewer bytes".
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416 || (e instanceof Error && e.name === "InvalidRange")) {
        return Buffer.alloc(0);
      }
      throw e;
    }
  }

  async getStream(key: string, opts: { signal?: AbortSignal } = {}): Promise<Readable> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: opts.signal });
    return out.Body as Readable;
  }

  async put(key: string, body: Buffer | Readable, contentType: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const upload = new Upload({ client: this.s3, params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType } });
    const { signal } = opts;
    if (signal?.aborted) throw signal.reason;
    const onAbort = () => void upload.abort().catch(() => {});
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await upload.done();
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.s3.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      // Missing keys are not errors in S3's DeleteObjects; anything reported here is a real failure.
      const failed = (out.Errors ?? []).filter((err) => err.Code !== "NoSuchKey");
      if (failed.length) {
        throw new Error(`S3 could not delete ${failed.length} object(s), e.g. ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message}`);
      }
    }
  }

  async *list(prefix: string): AsyncIterable<BlobListItem> {
    for await (const page of paginateListObjectsV2({ client: this.s3 }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const o of page.Contents ?? []) {
        if (o.Key) yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
      }
    }
  }

  async ping(): Promise<void> {
    // A one-key listing under users/ rather than HeadBucket: the roles may list only that prefix (s3:prefix).
    await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: "users/", MaxKeys: 1 }));
  }
}
