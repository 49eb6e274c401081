import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";

/*
 * Fixes for s3rver 3.7.1, as one Koa middleware that runs before its router.
 *
 * 1. ListObjectsV2 pagination: s3rver encrypts continuation tokens with DES, which OpenSSL 3 (Node >= 17) no
 *    longer offers, so any truncated listing fails with InternalError. Served here with an opaque token.
 * 2. s3rver implements CreateMultipartUpload, UploadPart and CompleteMultipartUpload but not ListParts
 * (GET ?uploadId) or AbortMultipartUpload (DELETE ?uploadId): both answer MethodNotAllowed. The app needs them
 * (resuming a browser upload, cleaning up an abandoned one), so this Koa middleware serves them from s3rver's
 * own on-disk layout (<bucket>/<uploads dir>/<uploadId>/{key,metadata,<n>,<n>.md5}), before its router runs.
 */

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
  set(field: string, value: string): void;
}
type Next = () => Promise<unknown>;
interface S3rverObject {
  key: string;
  size: number;
  lastModifiedDate: Date;
  metadata: Record<string, string>;
}
export interface S3rverStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getBucket(bucket: string): Promise<unknown>;
  listObjects(
    bucket: string,
    options: { prefix?: string; delimiter?: string; startAfter?: string; maxKeys?: number },
  ): Promise<{ objects: S3rverObject[]; commonPrefixes: string[]; isTruncated: boolean }>;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function xmlError(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`;
}

const q = (ctx: KoaContext, name: string): string | undefined => {
  const v = ctx.query[name];
  return typeof v === "string" ? v : undefined;
};

async function listObjectsV2(store: S3rverStore, ctx: KoaContext, bucket: string): Promise<void> {
  if (!(await store.getBucket(bucket))) return xmlError(ctx, 404, "NoSuchBucket", "The specified bucket does not exist");
  const prefix = q(ctx, "prefix") ?? "";
  const delimiter = q(ctx, "delimiter") ?? "";
  const maxKeys = Math.min(1000, Math.max(0, Number(q(ctx, "max-keys") ?? 1000) || 0));
  const token = q(ctx, "continuation-token");
  const startAfter = token !== undefined ? Buffer.from(token, "base64url").toString("utf8") : (q(ctx, "start-after") ?? "");
  const result = maxKeys === 0 ? { objects: [], commonPrefixes: [], isTruncated: false } : await store.listObjects(bucket, { prefix, delimiter, startAfter, maxKeys });
  const last = result.objects.at(-1)?.key;
  const contents = result.objects
    .map(
      (o) =>
        `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.lastModifiedDate.toISOString()}</LastModified>` +
        `<ETag>${xmlEscape(o.metadata.etag ?? "")}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join("");
  const prefixes = result.commonPrefixes.map((p) => `<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`).join("");
  ctx.status = 200;
  ctx.type = "application/xml";
  ctx.body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
    (token !== undefined ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : "") +
    (result.isTruncated && last !== undefined ? `<NextContinuationToken>${Buffer.from(last).toString("base64url")}</NextContinuationToken>` : "") +
    `<KeyCount>${result.objects.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
    (delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : "") +
    `<IsTruncated>${result.isTruncated}</IsTruncated>${contents}${prefixes}</ListBucketResult>`;
}

export function s3rverFixes(store: S3rverStore) {
  return async function s3rverFixes(ctx: KoaContext, next: Next): Promise<unknown> {
    // The SDK addresses the bucket as "/bucket/" (path style), browsers and curl often as "/bucket".
    const segments = ctx.path.replace(/^\//, "").replace(/\/$/, "").split("/");
    if (ctx.method === "GET" && segments.length === 1 && segments[0] && q(ctx, "list-type") === "2") {
      return listObjectsV2(store, ctx, decodeURIComponent(segments[0]));
    }
    const uploadId = ctx.query.uploadId;
    if (typeof uploadId !== "string" || "partNumber" in ctx.query || (ctx.method !== "GET" && ctx.method !== "DELETE")) {
      return next();
    }
    const [bucket, ...keyParts] = ctx.path.replace(/^\//, "").split("/").map(decodeURIComponent);
    const key = keyParts.join("/");
    if (!bucket || !key || !/^[0-9a-f]+$/i.test(uploadId)) return next();

    const uploadDir = path.join(store.getResourcePath(bucket, undefined, "uploads"), uploadId);
    let storedKey: string;
    try {
      storedKey = await readFile(path.join(uploadDir, "key"), "utf8");
    } catch {
      return xmlError(ctx, 404, "NoSuchUpload", "The specified upload does not exist.");
    }
    if (storedKey !== key) return xmlError(ctx, 404, "NoSuchUpload", "The specified upload does not exist.");

    if (ctx.method === "DELETE") {
      await rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }

    const numbers = (await readdir(uploadDir)).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
    const marker = Number(ctx.query["part-number-marker"] ?? 0) || 0;
    const maxParts = Math.min(1000, Number(ctx.query["max-parts"] ?? 1000) || 1000);
    const after = numbers.filter((n) => n > marker);
    const page = after.slice(0, maxParts);
    const parts = await Promise.all(
      page.map(async (n) => {
        const file = path.join(uploadDir, String(n));
        const [info, md5] = await Promise.all([stat(file), readFile(`${file}.md5`, "utf8")]);
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5.trim()}"</ETag><Size>${info.size}</Size></Part>`;
      }),
    );
    const truncated = after.length > page.length;
    ctx.status = 200;
    ctx.type = "application/xml";
    ctx.body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId>` +
      `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1) ?? marker}</NextPartNumberMarker>` +
      `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts.join("")}</ListPartsResult>`;
  };
}
