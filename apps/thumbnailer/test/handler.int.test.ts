import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAwsAdapters, createAwsClients, credentialsOf } from "@photoreel/adapters";
import { loadConfig } from "@photoreel/config";
import { initTelemetry } from "@photoreel/bootstrap";
import { composePhotoProcessor } from "@photoreel/bootstrap/photo-processor";
import { keys, uuidv7 } from "@photoreel/core";
import { photoRepository, userRepository } from "@photoreel/db";
import { createTestDatabase } from "@photoreel/db/testing";
import { startLocalStack, type LocalStack, type S3NotificationRecord } from "@photoreel/local-stack";
import { startOtlpReceiver } from "@photoreel/testkit";
import type { S3Event } from "aws-lambda";
import { pino } from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handleBackfillEvent, handleS3Event } from "../src/handler";

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
  const processor = composePhotoProcessor(config, { blobs, photos });
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

it("traces each photo it processes: one span with the photo id, sent before the invocation returns", async () => {
  const receiver = await startOtlpReceiver();
  const telemetry = initTelemetry("thumbnailer", { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  try {
    const config = loadConfig({ ...stack.env });
    const { blobs } = createAwsAdapters(config, createAwsClients(config, credentialsOf(config)));
    const photos = photoRepository(db.db);
    await userRepository(db.db).ensure("owner-2", "o2@example.com");
    const id = uuidv7();
    await photos.insertMany([{ id, ownerId: "owner-2", filename: "p.jpg", contentType: "image/jpeg", bytes: 1, uploadId: null }]);
    await blobs.put(keys.photoOriginal("owner-2", id), await sharp({ create: { width: 300, height: 200, channels: 3, background: "#654321" } }).jpeg().toBuffer(), "image/jpeg");
    await new Promise((r) => setTimeout(r, 200));
    const record = records.find((r) => r.eventName.startsWith("ObjectCreated:") && r.s3.object.key.includes(id));
    expect(record).toBeTruthy();
    await handleS3Event({ Records: [record] } as unknown as S3Event, composePhotoProcessor(config, { blobs, photos }), pino({ level: "silent" }));
    await telemetry.flush();
    const spans = receiver.spans.filter((s) => s.name === "thumbnail photo" && s.attributes["photoreel.photo_id"] === id);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ service: "photoreel-thumbnailer", attributes: { "photoreel.owner_id": "owner-2", "photoreel.outcome": "ready" } });
  } finally {
    await telemetry.shutdown();
    await receiver.close();
  }
});

it("an operator's backfill invocation pins a photo from before upload pinning and rejects one that fails today's check", async () => {
  const config = loadConfig({ ...stack.env });
  const { blobs } = createAwsAdapters(config, createAwsClients(config, credentialsOf(config)));
  const photos = photoRepository(db.db);
  await userRepository(db.db).ensure("owner-3", "o3@example.com");
  const processor = composePhotoProcessor(config, { blobs, photos });
  const good = uuidv7();
  const bad = uuidv7();
  const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#336699" } }).jpeg().toBuffer();
  await photos.insertMany([good, bad].map((id) => ({ id, ownerId: "owner-3", filename: `${id}.jpg`, contentType: "image/jpeg", bytes: 1, uploadId: null })));
  for (const id of [good, bad]) {
    await blobs.put(keys.photoOriginal("owner-3", id), jpeg, "image/jpeg");
    await processor.process("owner-3", id);
  }
  // The second is a duplicate of the first; mark both ready as before pinning: original kept, no checked copy.
  for (const id of [good, bad]) {
    await photos.update("owner-3", id, { status: "ready", rejectReason: null, duplicateOf: null, sha256: null });
    await blobs.delete([keys.photoChecked("owner-3", id)]);
  }
  await blobs.put(keys.photoOriginal("owner-3", good), jpeg, "image/jpeg");
  await blobs.put(keys.photoOriginal("owner-3", bad), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'), "image/jpeg");

  const log = pino({ level: "silent" });
  const totals = { pinned: 0, rejected: 0, batches: 0 };
  let cursor: string | null = null;
  do {
    const r = await handleBackfillEvent({ backfill: "photos", limit: 1, cursor }, processor, photos, log);
    expect(r.scanned).toBeLessThanOrEqual(1);
    totals.pinned += r.pinned;
    totals.rejected += r.rejected;
    totals.batches++;
    cursor = r.nextCursor;
  } while (cursor);
  expect(totals).toMatchObject({ pinned: 1, rejected: 1 });
  expect(await photos.get("owner-3", good)).toMatchObject({ status: "ready", bytes: jpeg.length });
  expect(await blobs.head(keys.photoChecked("owner-3", good))).toMatchObject({ size: jpeg.length });
  expect(await blobs.head(keys.photoOriginal("owner-3", good))).toBeNull();
  expect(await photos.get("owner-3", bad)).toMatchObject({ status: "rejected", rejectReason: expect.any(String) });
  expect(await blobs.head(keys.photoOriginal("owner-3", bad))).toBeNull();
  // A second run finds nothing to do.
  expect(await handleBackfillEvent({ backfill: "photos" }, processor, photos, log)).toMatchObject({ pinned: 0, rejected: 0, nextCursor: null });
});
