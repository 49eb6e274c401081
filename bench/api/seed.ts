import { VideoSpecSchema } from "@photoreel/contracts";
import { keys, uuidv7, type VideoJobStore } from "@photoreel/core";
import type { Db } from "@photoreel/db";
import { sql } from "kysely";

const CAMERAS = [
  ["Apple", "iPhone 15 Pro"],
  ["Google", "Pixel 8"],
  ["SONY", "ILCE-7M4"],
  ["Canon", "Canon EOS R6"],
  ["FUJIFILM", "X-T5"],
] as const;

/** A deterministic xorshift, so every run seeds the same library. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/**
 * `count` ready photos for one owner, uploaded over the last two years (taken a little before upload, some without a
 * date), inserted directly (the API path would need real files and thumbnails, which the list never reads).
 */
export async function seedPhotos(db: Db, ownerId: string, count: number): Promise<string[]> {
  const rnd = rng(42);
  const now = Date.now();
  const span = 2 * 365 * 24 * 3600 * 1000;
  const ids: string[] = [];
  const rows = Array.from({ length: count }, (_, i) => {
    const id = uuidv7();
    ids.push(id);
    const created = new Date(now - Math.floor(rnd() * span));
    const taken = rnd() < 0.9 ? new Date(created.getTime() - Math.floor(rnd() * 30 * 24 * 3600 * 1000)) : null;
    const portrait = rnd() < 0.3;
    const [make, model] = CAMERAS[Math.floor(rnd() * CAMERAS.length)]!;
    return {
      id,
      owner_id: ownerId,
      status: "ready" as const,
      filename: `IMG_${String(1000 + i).padStart(5, "0")}.jpg`,
      content_type: "image/jpeg",
      bytes: 1_500_000 + Math.floor(rnd() * 4_000_000),
      upload_id: null,
      width: portrait ? 3024 : 4032,
      height: portrait ? 4032 : 3024,
      taken_at: taken,
      orientation: 1,
      sha256: Array.from({ length: 8 }, () => Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, "0")).join(""),
      camera_make: make,
      camera_model: model,
      caption: rnd() < 0.2 ? `Holiday day ${i % 14}` : null,
      reject_reason: null,
      duplicate_of: null,
      created_at: created,
      updated_at: created,
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await db.insertInto("photos").values(rows.slice(i, i + 1000)).execute();
  await sql`analyze photos`.execute(db);
  return ids;
}

/** READY videos with outputs (the keys are presigned, never fetched), so videos.list has a full page to sign. */
export async function seedVideos(jobs: VideoJobStore, ownerId: string, photoIds: string[], count: number) {
  const spec = VideoSpecSchema.parse({ slides: photoIds.slice(0, 12).map((photoId) => ({ photoId })), title: "Summer" });
  for (let i = 0; i < count; i++) {
    const videoId = uuidv7();
    const at = new Date(Date.now() - (count - i) * 60_000).toISOString();
    await jobs.create({
      ownerId, videoId, kind: "video", status: "READY", spec, attempt: 0, progress: 100, etaSeconds: 0, error: null,
      output: { videoKey: keys.video(ownerId, videoId), posterKey: keys.poster(ownerId, videoId), bytes: 8_000_000, durationSeconds: 40, width: 1920, height: 1080 },
      createdAt: at, updatedAt: at, enqueuedAt: at, startedAt: at, finishedAt: at, heartbeatAt: at, renderSeconds: 30, cancelRequested: false, leaseId: null,
    });
  }
}
