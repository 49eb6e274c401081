import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAwsAdapters, createAwsClients, credentialsOf } from "@photoreel/adapters";
import { loadConfig } from "@photoreel/config";
import { createPhotoProcessor, keys, uuidv7 } from "@photoreel/core";
import { photoRepository, userRepository } from "@photoreel/db";
import { createTestDatabase } from "@photoreel/db/testing";
import { createPhotoDecoder } from "@photoreel/images";
import { startLocalStack, type LocalStack, type S3NotificationRecord } from "@photoreel/local-stack";
import type { S3Event } from "aws-lambda";
import { pino } from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handleS3Event } from "../src/handler";

const dir = mkdtempSync(join(tmpdir(), "thumb-"));
const records: S3NotificationRecord[] = [];
let stack: LocalStack;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  stack = await startLocalStack({ dataDir: dir, webOrigin: "http://127.0.0.1", ports: { s3: 0, sqs: 0, dynamodb: 0, cognito: 0, postgres: 0 }, inMemory: true, onS3Event: (r) => {
    records.push(r);
  } });
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.drop();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("turns the S3 ObjectCreated events the bucket emits into ready photos, and ignores everything else", async () => {
  const config = loadConfig({ ...stack.env });
  const { blobs } = createAwsAdapters(config, createAwsClients(config, credentialsOf(config)));
  const photos = photoRepository(db.db);
  const processor = createPhotoProcessor({ blobs, photos, decoder: createPhotoDecoder({ maxInputPixels: 1e8, timeoutSeconds: 30, maxBytes: 1e8 }), maxUploadBytes: 1e8 });
  await userRepository(db.db).ensure("owner-1", "o@example.com");
  const ok = uuidv7();
  const bad = uuidv7();
  await photos.insertMany([ok, bad].map((id) => ({ id, ownerId: "owner-1", filename: `${id}.jpg`, contentType: "image/jpeg", bytes: 1, uploadId: null })));
  await blobs.put(keys.photoOriginal("owner-1", ok), await sharp({ create: { width: 900, height: 500, channels: 3, background: "#123456" } }).jpeg().toBuffer(), "image/jpeg");
  await blobs.put(keys.photoOriginal("owner-1", bad), Buffer.from("definitely not an image"), "image/jpeg");
  await blobs.put("users/owner-1/notes.txt", Buffer.from("x"), "text/plain");
  await new Promise((r) => setTimeout(r, 200));
  const created = records.filter((r) => r.eventName.startsWith("ObjectCreated:"));
  expect(created.length).toBeGreaterThanOrEqual(3);

  const event = { Records: created } as unknown as S3Event;
  const result = await handleS3Event(event, processor, pino({ level: "silent" }));
  expect(result).toEqual({ processed: 2, ignored: 1 });
  expect(await photos.get("owner-1", ok)).toMatchObject({ status: "ready", width: 900, height: 500 });
  expect(await photos.get("owner-1", bad)).toMatchObject({ status: "rejected", rejectReason: expect.any(String) });
  expect(await blobs.head(keys.photoThumb("owner-1", ok))).not.toBeNull();
  // A redelivered event (Lambda retries) changes nothing.
  const before = await photos.get("owner-1", ok);
  await handleS3Event(event, processor, pino({ level: "silent" }));
  expect(await photos.get("owner-1", ok)).toEqual(before);
});
