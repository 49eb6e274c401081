import type { ShareRepository } from "@photoreel/core";
import type { Db } from "../client";

export const shareRepository = (db: Db): ShareRepository => ({
  async insert(tokenHash, s) {
    await db.insertInto("video_shares").values({ token_hash: tokenHash, owner_id: s.ownerId, video_id: s.videoId, expires_at: s.expiresAt }).execute();
  },
  async find(tokenHash) {
    const r = await db.selectFrom("video_shares").select(["owner_id", "video_id", "expires_at"]).where("token_hash", "=", tokenHash).executeTakeFirst();
    return r ? { ownerId: r.owner_id, videoId: r.video_id, expiresAt: r.expires_at } : null;
  },
  async deleteForVideo(ownerId, videoId) {
    await db.deleteFrom("video_shares").where("owner_id", "=", ownerId).where("video_id", "=", videoId).execute();
  },
  async deleteForOwner(ownerId) {
    await db.deleteFrom("video_shares").where("owner_id", "=", ownerId).execute();
  },
});
