import { randomUUID } from "node:crypto";
import { appRouter } from "@photoreel/api";
import type { VideoSpecInput } from "@photoreel/contracts";
import { draftSpec } from "@photoreel/api/testing";

/** The bits of a zod v4 schema the generated suites read; kept structural so the tests need no zod internals. */
export interface InputSchema {
  _zod: { def: { type: string } & Record<string, unknown> };
  safeParse(v: unknown): { success: boolean };
}

export interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  input: InputSchema | null;
}

/** The procedures anyone may call; a new public one must be added here on purpose. */
export const PUBLIC_PROCEDURES = ["auth.confirmSignUp", "auth.refresh", "auth.session", "auth.signIn", "auth.signOut", "auth.signUp"];
/** Procedures that must not be called by the generated "call everything as this user" loops (they have their own tests). */
export const DESTRUCTIVE_PROCEDURES = ["auth.deleteAccount"];

/** Every procedure of the real router, read from tRPC v11's flat `_def.procedures` (keys are dotted paths). */
export function listProcedures(): ProcedureInfo[] {
  const procs = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureInfo["type"]; inputs: unknown[] } }>;
  return Object.entries(procs)
    .map(([path, p]) => {
      if (p._def.inputs.length > 1) throw new Error(`${path} merges ${p._def.inputs.length} input parsers; teach procedures.ts about it`);
      return { path, type: p._def.type, input: (p._def.inputs[0] as InputSchema | undefined) ?? null };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

const ID_LIKE = /^(id|ids)$|Ids?$/;

/** Paths of id-like fields (`id`, `ids`, `videoId`, `slides[].photoId`, `music.audioId`...) anywhere in an input schema. */
export function idLikeFields(schema: InputSchema | null): string[] {
  const out = new Set<string>();
  const walk = (s: unknown, path: string, depth: number) => {
    const def = (s as InputSchema | undefined)?._zod?.def;
    if (!def || depth > 20) return;
    switch (def.type) {
      case "object":
        for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
          const p = path ? `${path}.${k}` : k;
          if (ID_LIKE.test(k)) out.add(p);
          walk(v, p, depth + 1);
        }
        return;
      case "array":
        return walk(def.element, `${path}[]`, depth + 1);
      case "union":
        for (const o of def.options as unknown[]) walk(o, path, depth + 1);
        return;
      case "pipe":
        walk(def.in, path, depth + 1);
        return walk(def.out, path, depth + 1);
      case "lazy":
        return walk((def.getter as () => unknown)(), path, depth + 1);
      default:
        if ("innerType" in def) walk(def.innerType, path, depth + 1);
    }
  };
  walk(schema, "", 0);
  return [...out].sort();
}

export interface SampleIds {
  photoId: string;
  otherPhotoId: string;
  multipartId: string;
  audioId: string;
  videoId: string;
  ownerId: string;
  shareId: string;
}

export const randomIds = (): SampleIds => ({
  photoId: randomUUID(),
  otherPhotoId: randomUUID(),
  multipartId: randomUUID(),
  audioId: randomUUID(),
  videoId: randomUUID(),
  ownerId: randomUUID(),
  shareId: randomUUID(),
});

/**
 * One valid input per procedure that takes input (the suites assert the table is complete). Inputs with several
 * entries are tried one by one (e.g. a video built from someone else's photo, and one with someone else's music).
 * Admin inputs are harmless: `sweepOrphans` only ever runs dry, and `backfillUploads` finds no upload from before pinning.
 */
export function sampleInputs(ids: SampleIds, email = `sample-${Date.now()}@example.com`): Record<string, unknown[]> {
  const spec = (over: Partial<VideoSpecInput> = {}) => draftSpec([ids.photoId], { title: "Holiday", ...over });
  return {
    "auth.signUp": [{ email, password: "Correct-Horse-9" }],
    "auth.confirmSignUp": [{ email, code: "123456" }],
    "auth.signIn": [{ email, password: "Wrong-Password-1" }],
    "auth.refresh": [{ refreshToken: "not-a-refresh-token" }],
    "auth.signOut": [{ refreshToken: "not-a-refresh-token" }],
    "photos.createUploads": [{ files: [{ filename: "a.jpg", contentType: "image/jpeg", bytes: 1000 }] }],
    "photos.createMultipart": [{ filename: "big.jpg", contentType: "image/jpeg", bytes: 30 * 1024 * 1024 }],
    "photos.presignParts": [{ id: ids.multipartId, partNumbers: [1] }],
    "photos.completeMultipart": [{ id: ids.multipartId }],
    "photos.abortMultipart": [{ id: ids.multipartId }],
    "photos.completeUpload": [{ id: ids.photoId }, { id: ids.multipartId }],
    "photos.list": [{ sort: "uploaded", limit: 10 }],
    "photos.get": [{ id: ids.photoId }],
    "photos.updateCaption": [{ id: ids.photoId, caption: "pwned" }],
    "photos.setFocalPoint": [{ id: ids.photoId, x: 0.1, y: 0.9 }],
    "photos.delete": [{ ids: [ids.photoId] }, { ids: [ids.otherPhotoId, ids.photoId] }],
    "audio.createUpload": [{ filename: "song.wav", contentType: "audio/wav", bytes: 1000 }],
    "audio.completeUpload": [{ id: ids.audioId }],
    "audio.delete": [{ id: ids.audioId }],
    "videos.create": [spec(), spec({ slides: [{ photoId: ids.otherPhotoId }], music: { audioId: ids.audioId, fadeOutSeconds: 1 } })],
    "videos.preview": [spec(), spec({ slides: [{ photoId: ids.otherPhotoId }], music: { audioId: ids.audioId, fadeOutSeconds: 1 } })],
    "videos.list": [{ limit: 10 }],
    "videos.get": [{ id: ids.videoId }],
    "videos.spec": [{ id: ids.videoId }],
    "videos.cancel": [{ id: ids.videoId }],
    "videos.retry": [{ id: ids.videoId }],
    "videos.delete": [{ id: ids.videoId }],
    "videos.share": [{ id: ids.videoId, expiresInHours: 1 }],
    "videos.listShares": [{ id: ids.videoId }],
    "videos.revokeShare": [{ shareId: ids.shareId }],
    "admin.users": [{ limit: 10 }],
    "admin.jobs": [{ status: "QUEUED", limit: 10 }],
    "admin.retryJob": [{ ownerId: ids.ownerId, videoId: ids.videoId }],
    "admin.sweepOrphans": [{ dryRun: true }],
    "admin.backfillUploads": [{ kind: "audio", limit: 1 }],
  };
}

export interface HttpAnswer {
  status: number;
  code: string | undefined;
  fieldErrors: Record<string, string[]> | null | undefined;
  retryAfterSeconds: number | null | undefined;
  message: string | undefined;
  data: unknown;
  text: string;
  headers: Headers;
  cookies: string[];
}

export interface CallOptions {
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
  /** Send this text as the body (POST) or the `input` parameter (GET) instead of JSON.stringify(input). */
  raw?: string;
  method?: string;
}

/**
 * Calls a procedure over HTTP as tRPC's link does: GET with `?input=` for queries, a JSON POST for mutations.
 * Never throws on a non-JSON answer (a 413 from the body limit, a 431 from Node's header limit).
 */
export async function callProcedure(baseUrl: string, proc: Pick<ProcedureInfo, "path" | "type">, input: unknown, opts: CallOptions = {}): Promise<HttpAnswer> {
  const method = opts.method ?? (proc.type === "query" ? "GET" : "POST");
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  const text = opts.raw ?? (input === undefined ? undefined : JSON.stringify(input));
  const query = method === "GET" && text !== undefined ? `?input=${encodeURIComponent(text)}` : "";
  const res = await fetch(`${baseUrl}/trpc/${proc.path}${query}`, { method, headers, ...(method !== "GET" && method !== "HEAD" ? { body: text ?? "" } : {}) });
  return answer(res);
}

export async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let body: { result?: { data: unknown }; error?: { message?: string; data?: { code?: string; fieldErrors?: Record<string, string[]> | null; retryAfterSeconds?: number | null } } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: status and text tell the story
  }
  return {
    status: res.status,
    code: body.error?.data?.code,
    fieldErrors: body.error?.data?.fieldErrors,
    retryAfterSeconds: body.error?.data?.retryAfterSeconds,
    message: body.error?.message,
    data: body.result?.data,
    text,
    headers: res.headers,
    cookies: res.headers.getSetCookie(),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Procedures that answer UNAUTHORIZED to a caller without a session, probed over HTTP (not read from a list). */
export async function probeProtected(baseUrl: string, procs: ProcedureInfo[]) {
  // A string input fails every input schema, so a public procedure answers BAD_REQUEST and does nothing;
  // the three public ones without a schema (signOut, refresh with no cookie) are harmless by design.
  const answers = await mapLimit(procs, 8, (p) => callProcedure(baseUrl, p, p.input ? "probe" : undefined));
  return procs.map((p, i) => ({ ...p, answer: answers[i]! })).filter((p) => p.answer.code === "UNAUTHORIZED");
}
