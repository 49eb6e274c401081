import type { VideoSpecInput } from "@photoreel/contracts";
import type { Caller, TestStack } from "./stack";

/** Posts a file to a presigned POST exactly as a browser form upload does (fields first, file last). */
export async function postForm(upload: { url: string; fields: Record<string, string> }, body: Buffer, filename: string, contentType: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(body)], { type: contentType }), filename);
  const res = await fetch(upload.url, { method: "POST", body: form });
  return res;
}

/** createUploads -> POST -> completeUpload for each file; returns the photo ids in order. */
export async function uploadPhotos(t: Pick<TestStack, "app">, caller: Caller, files: { name: string; type: string; body: Buffer }[]) {
  const { results } = await caller.photos.createUploads({ files: files.map((f) => ({ filename: f.name, contentType: f.type, bytes: f.body.length })) });
  const ids: string[] = [];
  for (const [i, r] of results.entries()) {
    if (!r.ok) throw new Error(`createUploads refused ${r.filename}: ${r.reason}`);
    const res = await postForm(r.upload, files[i]!.body, files[i]!.name, files[i]!.type);
    if (res.status >= 300) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    await caller.photos.completeUpload({ id: r.photoId });
    ids.push(r.photoId);
  }
  await t.app.localProcessing!.idle();
  return ids;
}

/** A small, fast render for tests and benches: draft, 720p square, 24 fps, 2 s per photo with 0.5 s fades. */
export const draftSpec = (photoIds: string[], over: Partial<VideoSpecInput> = {}): VideoSpecInput => ({
  slides: photoIds.map((photoId) => ({ photoId })),
  secondsPerPhoto: 2,
  transition: "fade",
  transitionSeconds: 0.5,
  aspect: "1:1",
  resolution: "720p",
  fps: 24,
  quality: "draft",
  ...over,
});
