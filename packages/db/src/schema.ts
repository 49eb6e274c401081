import type { ColumnType } from "kysely";

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
}

export interface Database {
  users: UsersTable;
  photos: PhotosTable;
  audio_tracks: AudioTracksTable;
  rate_limits: RateLimitsTable;
  video_shares: VideoSharesTable;
}
