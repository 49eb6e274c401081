import { AUDIO_CONTENT_TYPES, type AudioView, type UploadFile } from "@photoreel/contracts";
import { DomainError, notFound } from "../errors";
import { uuidv7 } from "../ids";
import { keys, type AudioTrack } from "../model";
import type { ServiceDeps } from "./deps";

/** As long as a photo's view URLs: a composer session re-reads the list well within it. */
const LISTEN_URL_EXPIRES_S = 15 * 60;

const view = (a: AudioTrack): AudioView => ({
  id: a.id,
  status: a.status,
  filename: a.filename,
  bytes: a.bytes,
  rejectReason: a.rejectReason,
  tempoBpm: tempoOf(a.beats),
  createdAt: a.createdAt.toISOString(),
});

/** Beats per minute from the median gap between beats: what the composer shows beside "Cut on the beat". */
export function tempoOf(beats: readonly number[] | null): number | null {
  if (!beats || beats.length < 4) return null;
  const gaps = beats.slice(1).map((b, i) => b - beats[i]!).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  return median > 0 ? Math.round(60 / median) : null;
}

/** Music tracks: uploaded like photos (presigned POST), checked at completion, chosen in a video spec. */
export function createAudioService(d: ServiceDeps) {
  return {
    async createUpload(ownerId: string, f: UploadFile) {
      if (!(AUDIO_CONTENT_TYPES as readonly string[]).includes(f.contentType))
        throw new DomainError("BAD_REQUEST", `"${f.filename}" is not a supported audio type. Upload MP3, AAC/M4A, WAV or OGG.`);
      if (f.bytes === 0 || f.bytes > d.limits.maxAudioBytes)
        throw new DomainError("BAD_REQUEST", `"${f.filename}" must be between 1 byte and ${Math.round(d.limits.maxAudioBytes / 1024 / 1024)} MB.`);
      const id = uuidv7();
      const quota = { count: d.limits.quotaAudioTracks, bytes: d.limits.quotaAudioBytes };
      const r = await d.audio.insertWithinQuota({ id, ownerId, filename: f.filename, contentType: f.contentType, bytes: f.bytes }, quota);
      if (!r.ok) {
        const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
        throw new DomainError("PRECONDITION_FAILED", r.usage.count + 1 > quota.count
          ? `You already have ${r.usage.count} music tracks, the most you can keep. Delete one you no longer use, then upload "${f.filename}" again.`
          : `"${f.filename}" would take your music past its ${mb(quota.bytes)} limit (${mb(r.usage.bytes)} used). Delete a track you no longer use, then upload it again.`);
      }
      const upload = await d.blobs.presignPost(keys.audioOriginal(ownerId, id), { contentType: f.contentType, minBytes: 1, maxBytes: f.bytes, expiresIn: 900 });
      return { audioId: id, upload };
    },

    /**
     * Checks what arrived: its size, then ffprobe with the demuxer of its sniffed type (real audio, sane sample rate,
     * channels and length). `ready` copies exactly the checked bytes to a key no upload form can target, which is
     * what every video reads, so posting the form again afterwards changes nothing; `rejected` keeps a reason.
     */
    async completeUpload(ownerId: string, id: string): Promise<AudioView> {
      const a = await d.audio.get(ownerId, id);
      if (!a) throw notFound("Audio track");
      if (a.status !== "uploading") return view(a);
      const key = keys.audioOriginal(ownerId, id);
      // No upload object: not posted yet, or a completion running alongside this one has just finished with it.
      const settled = async () => {
        const now = await d.audio.get(ownerId, id);
        if (!now) throw notFound("Audio track");
        if (now.status === "uploading") throw new DomainError("PRECONDITION_FAILED", "The file has not arrived yet; upload it and then complete");
        return view(now);
      };
      const head = await d.blobs.head(key);
      if (!head) return settled();
      const reject = async (reason: string) => {
        await d.blobs.delete([key]);
        return d.audio.update(ownerId, id, { status: "rejected", rejectReason: reason }, { fromStatus: ["uploading"] });
      };
      const tooBig = `This file is larger than the ${Math.round(d.limits.maxAudioBytes / 1024 / 1024)} MB limit for music. Choose a shorter or more compressed track.`;
      let done: AudioTrack | null;
      if (head.size === 0) done = await reject("This file is empty (0 bytes). Choose the music file again.");
      else if (head.size > d.limits.maxAudioBytes) done = await reject(tooBig);
      else {
        // One read: the bytes probed are the bytes kept, even if the form is posted again while we look.
        const bytes = await d.blobs.getStream(key).then(readAll).catch(async (e: unknown) => {
          if (await d.blobs.head(key)) throw e;
          return null;
        });
        if (!bytes) return settled();
        const probed = bytes.length > d.limits.maxAudioBytes ? { ok: false as const, reason: tooBig } : await d.audioProber.probe(bytes);
        if (!probed.ok) done = await reject(probed.reason);
        else {
          const checked = keys.audioChecked(ownerId, id);
          await d.blobs.put(checked, bytes, probed.contentType);
          done = await d.audio.update(ownerId, id, { status: "ready", bytes: bytes.length, durationSeconds: probed.durationSeconds, beats: probed.beats ?? [] }, { fromStatus: ["uploading"] });
          if (done) await d.blobs.delete([key]);
          else {
            // Another completion of this upload finished first. Its file is ours when the size and length match (a
            // retried request); otherwise the form was posted again in between and `checked` may now hold bytes the
            // record does not describe: the track is refused rather than left inconsistent.
            const now = await d.audio.get(ownerId, id);
            if (now?.status === "ready" && now.bytes === bytes.length && now.durationSeconds === probed.durationSeconds) return view(now);
            await d.blobs.delete([key, checked]);
            if (now) done = await d.audio.update(ownerId, id, { status: "rejected", rejectReason: "This file changed while it was being checked. Upload it again." });
          }
        }
      }
      // Deleted while we checked it.
      if (!done) {
        const now = await d.audio.get(ownerId, id);
        if (!now) throw notFound("Audio track");
        return view(now);
      }
      return view(done);
    },

    /** The caller's tracks; a ready one carries a short-lived listen URL of its checked copy for the live preview. */
    list: async (ownerId: string): Promise<AudioView[]> =>
      Promise.all(
        (await d.audio.list(ownerId)).map(async (a) => ({
          ...view(a),
          beats: a.beats,
          durationSeconds: a.durationSeconds,
          listenUrl: a.status === "ready" ? await d.blobs.presignDownload(keys.audioChecked(ownerId, a.id), LISTEN_URL_EXPIRES_S) : null,
        })),
      ),

    async delete(ownerId: string, id: string) {
      const a = await d.audio.delete(ownerId, id);
      if (!a) throw notFound("Audio track");
      await d.blobs.delete([keys.audioOriginal(ownerId, id), keys.audioChecked(ownerId, id)]);
      return { id };
    },
  };
}
export type AudioService = ReturnType<typeof createAudioService>;

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
