import { mapPortErrors, type ShareRepository, type VideoShareLink } from "@photoreel/core";
import type { Db } from "../client";
import { pgErrorToDomain } from "../errors";

const linkColumns = ["id", "video_id", "created_at", "expires_at", "revoked_at"] as const;
const toLink = (r: { id: string; video_id: string; created_at: Date; expires_at: Date; revoked_at: Date | null }): VideoShareLink => ({
  id: r.id, videoId: r.video_id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
});

export const shareRepository = (db: Db): ShareRepository => mapPortErrors<ShareRepository>({
  async insert(tokenHash, s) {
    const r = await db.insertInto("video_shares").values({ token_hash: tokenHash, owner_id: s.ownerId, video_id: s.videoId, expires_at: s.expiresAt }).returning(linkColumns).executeTakeFirstOrThrow();
    return toLink(r);
  },
  async find(tokenHash) {
    const r = await db.selectFrom("video_shares").select(["owner_id", "video_id", "expires_at", "revoked_at"]).where("token_hash", "=", tokenHash).executeTakeFirst();
    return r ? { ownerId: r.owner_id, videoId: r.video_id, expiresAt: r.expires_at, revokedAt: r.revoked_at } : null;
  },
  async listForVideo(ownerId, videoId) {
    const rows = await db.selectFrom("video_shares").select(linkColumns).where("owner_id", "=", ownerId).where("video_id", "=", videoId).where("revoked_at", "is", null)
      .orderBy("created_at", "desc").orderBy("id", "desc").limit(100).execute();
    return rows.map(toLink);
  },
  async revoke(ownerId, id, at) {
    const r = await db.updateTable("video_shares").set({ revoked_at: at }).where("owner_id", "=", ownerId).where("id", "=", id).where("revoked_at", "is", null).returning(linkColumns).executeTakeFirst();
    return r ? toLink(r) : null;
  },
  async deleteForVideo(ownerId, videoId) {
    await db.deleteFrom("video_shares").where("owner_id", "=", ownerId).where("video_id", "=", videoId).execute();
  },
  async deleteForOwner(ownerId) {
    await db.deleteFrom("video_shares").where("owner_id", "=", ownerId).execute();
  },
}, pgErrorToDomain);
