import { initTelemetry, type Telemetry } from "@photoreel/bootstrap";
import { startTestStack, uploadPhotos, type TestStack } from "../src/testing";
import { startOtlpReceiver, until, type OtlpReceiver } from "@photoreel/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let receiver: OtlpReceiver;
let t: TestStack;
let telemetry: Telemetry;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  t = await startTestStack({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
  // The API's services, and on the embedded stack the thumbnailer's stand-in, run in this process.
  telemetry = initTelemetry("api", t.config);
}, 60_000);
afterAll(async () => {
  await telemetry?.shutdown();
  await t?.stop();
  await receiver?.close();
});

describe("tracing an upload to its thumbnails (S3 event path)", () => {
  it("the API's upload spans and the thumbnailer's span share the photo id; the thumbnailer's is its own trace", async () => {
    const alice = await t.signUp();
    const bodies = await Promise.all(["#a03030", "#3030a0"].map((background) => sharp({ create: { width: 640, height: 480, channels: 3, background } }).jpeg().toBuffer()));
    const ids = await uploadPhotos(t, alice.caller, bodies.map((body, i) => ({ name: `p${i}.jpg`, type: "image/jpeg", body })));
    await telemetry.flush();

    // One createUploads call for both photos: its span lists them.
    const create = await until("the createUploads span", async () => receiver.spans.find((s) => s.name === "trpc photos.createUploads" && s.attributes["enduser.id"] === alice.user.sub), 10_000);
    expect(create.attributes["photoreel.photo_ids"]).toEqual(ids);

    for (const id of ids) {
      // What an operator's search by photo id finds (X-Ray annotation photoreel_photo_id, a Jaeger tag locally).
      const found = await until(`spans of photo ${id}`, async () => {
        const spans = receiver.spans.filter((s) => s.attributes["photoreel.photo_id"] === id);
        return spans.some((s) => s.name === "thumbnail photo") && spans.some((s) => s.name === "trpc photos.completeUpload") ? spans : undefined;
      }, 10_000);
      const complete = found.find((s) => s.name === "trpc photos.completeUpload")!;
      const thumb = found.find((s) => s.name === "thumbnail photo")!;
      expect(complete.attributes["enduser.id"]).toBe(alice.user.sub);
      expect(thumb.attributes).toMatchObject({ "photoreel.owner_id": alice.user.sub, "photoreel.outcome": "ready" });
      // An S3 event carries no trace context: a root span in a trace of its own, never a child of completeUpload
      // (which queued it in this process), so the embedded stack shows what X-Ray shows on AWS.
      expect(thumb.parentSpanId).toBe("");
      expect(thumb.traceId).not.toBe(complete.traceId);
      // The photo was processed after its upload completed.
      expect(thumb.start).toBeGreaterThanOrEqual(complete.start);
    }
  }, 60_000);
});
