import { describe, expect, it } from "vitest";
import { summarizeUploads } from "./upload-summary";
import type { UploadStatus } from "./uploader";

const item = (status: UploadStatus, size: number, sent = 0) => ({ status, sent, file: { size } as File });

describe("summarizeUploads", () => {
  it("counts the batch and its overall progress by bytes", () => {
    const s = summarizeUploads([item("ready", 100), item("processing", 100), item("uploading", 200, 50), item("queued", 100)]);
    expect(s).toMatchObject({ total: 4, uploaded: 2, inFlight: 2, problems: 0, text: "Uploading 2 of 4" });
    expect(s.percent).toBe(50); // (100 + 100 + 50 + 0) / 500
  });

  it("leaves rejected and canceled files out of the progress, and says how many need attention", () => {
    const s = summarizeUploads([item("uploading", 100, 100), item("rejected", 900), item("canceled", 900), item("failed", 100, 20)]);
    expect(s.percent).toBe(60);
    expect(s.text).toBe("Uploading 0 of 2 · 2 need attention");
    expect(summarizeUploads([item("ready", 10), item("rejected", 10)]).text).toBe("1 photo uploaded · 1 needs attention");
    expect(summarizeUploads([item("rejected", 10)]).text).toBe("1 needs attention");
  });

  it("says when everything is in", () => {
    expect(summarizeUploads([item("ready", 10), item("ready", 10)])).toMatchObject({ text: "2 photos uploaded", percent: 100 });
    expect(summarizeUploads([])).toMatchObject({ total: 0, percent: 0 });
    // Sizes are what the file says, even when progress events overshoot (the form envelope).
    expect(summarizeUploads([item("uploading", 100, 150)]).percent).toBe(100);
  });
});
