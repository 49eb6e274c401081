import type { ColumnType, Generated } from "kysely";

/** A timestamptz with a database default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UsersTable {
  id: string; // Cognito sub
  email: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface PhotosTable {
  id: string;
  owner_id: string;
  status: "uploading" | "processing" | "ready" | "rejected";
  filename: string;
  content_type: string;
  /** Declared size at createUploads; the real size once completed. */
  bytes: ColumnType<string, number | string, number | string>;
  upload_id: string | null;
  width: number | null;
  height: number | null;
  taken_at: NullableTimestamp;
  orientation: number | null;
  sha256: string | null;
  camera_make: string | null;
  camera_model: string | null;
  caption: string | null;
  reject_reason: string | null;
  duplicate_of: string | null;
  /** 0..1 of the auto-oriented photo; both null = the centre (migration 0011). */
  focal_x: number | null;
  focal_y: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AudioTracksTable {
  id: string;
  owner_id: string;
  status: "uploading" | "ready" | "rejected";
  filename: string;
  content_type: string;
  bytes: ColumnType<string, number | string, number | string>;
  duration_seconds: number | null;
  reject_reason: string | null;
  /** Beat times in seconds (migration 0010). */
  beats: number[] | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  hits: number;
}

export interface VideoSharesTable {
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  token_hash: string;
  owner_id: string;
  video_id: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  created_at: Timestamp;
  /** Names the link in its owner's list (0009). */
  id: Generated<string>;
  /** Set when the owner turned the link off; the row stays so the link can answer 410 (0009). */
  revoked_at: NullableTimestamp;
}

export interface ActiveRendersTable {
  video_id: string;
  owner_id: string;
  attempt: number;
  acquired_at: Timestamp;
}

export interface RenderBudgetDaysTable {
  owner_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: ColumnType<string, string, string>;
  seconds: number;
}

export interface Database {
  users: UsersTable;
  photos: PhotosTable;
  audio_tracks: AudioTracksTable;
  rate_limits: RateLimitsTable;
  video_shares: VideoSharesTable;
  active_renders: ActiveRendersTable;
  render_budget_days: RenderBudgetDaysTable;
}
