import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { phoneAvif, phoneHeic, phonePicture, quadrantColours, QUADRANTS } from "@photoreel/images/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER } from "./entries";
import { draftSpec, uploadPhotos, startTestStack, type TestStack } from "@photoreel/api/testing";
import { spawnWorker, until, type WorkerProcess } from "@photoreel/testkit";

const exec = promisify(execFile);
let t: TestStack;
let worker: WorkerProcess;
let upright: Buffer;

beforeAll(async () => {
  t = await startTestStack();
  worker = spawnWorker(WORKER, t.env);
  upright = await phonePicture(384, 512); // portrait, four coloured quadrants: any wrong turn moves a colour
}, 90_000);
afterAll(async () => {
  worker?.child.kill("SIGKILL");
  await t?.stop();
});

async function ssim(a: string, b: string) {
  const { stderr } = await exec("ffmpeg", ["-hide_banner", "-i", a, "-i", b, "-lavfi", "[0:v]format=yuv444p[a];[1:v]format=yuv444p[b];[a][b]ssim", "-f", "null", "-"]);
  return Number(/All:([\d.]+)/.exec(stderr)?.[1]);
}

describe("phone formats end to end on the embedded stack (presigned upload -> thumbnailer -> worker)", () => {
  it("an iPhone HEIC (tile grid, irot, Display P3) and an AVIF are ready upright with their capture dates, and render upright", async () => {
    const alice = await t.signUp();
    const heic = await phoneHeic(upright, { rows: 2, columns: 2, taken: "2024:07:14 18:30:05", offset: "+02:00" });
    const avif = await phoneAvif(upright, { taken: "2025:01:02 09:15:00" });
    const ids = await uploadPhotos(t, alice.caller, [
      { name: "IMG_0001.HEIC", type: "image/heic", body: heic },
      { name: "PXL_0002.avif", type: "image/avif", body: avif },
    ]);
    const want = await quadrantColours(upright);
    const taken = ["2024-07-14T16:30:05.000Z", "2025-01-02T09:15:00.000Z"];
    for (const [i, id] of ids.entries()) {
      const p = await alice.caller.photos.get({ id });
      expect(p, p.rejectReason ?? "").toMatchObject({ status: "ready", width: 384, height: 512, takenAt: taken[i] });
      const thumb = await quadrantColours(Buffer.from(await (await fetch(p.thumbnailUrl!)).arrayBuffer()));
      for (const q of QUADRANTS) {
        expect(Math.max(...thumb[q].map((v, c) => Math.abs(v - want[q][c]!))), `${p.filename} ${q}`).toBeLessThan(16);
      }
    }

    // 1:1 720p, "contain", no transitions, 2 s each: frame 24 is photo 1's interval, frame 72 photo 2's.
    const created = await alice.caller.videos.create(draftSpec(ids, { fit: "contain", transition: "none" }));
    const ready = await until(`video ${created.id} READY`, async () => {
      const v = await alice.caller.videos.get({ id: created.id });
      if (v.status === "FAILED") throw new Error(`failed: ${v.error}; worker log:\n${worker.logs.slice(-10).join("\n")}`);
      return v.status === "READY" ? v : null;
    }, 120_000);
    const dir = mkdtempSync(join(tmpdir(), "phone-formats-"));
    const video = join(dir, "v.mp4");
    writeFileSync(video, Buffer.from(await (await fetch(ready.videoUrl!)).arrayBuffer()));
    const reference = async (img: Buffer, name: string) => {
      await sharp(img).resize(720, 720, { fit: "contain", background: "#000" }).flatten({ background: "#000" }).png().toFile(join(dir, name));
      return join(dir, name);
    };
    const uprightRef = await reference(upright, "upright.png");
    const sidewaysRef = await reference(await sharp(upright).rotate(270).png().toBuffer(), "sideways.png");
    for (const [i, frameIndex] of [24, 72].entries()) {
      const frame = join(dir, `frame-${i}.png`);
      await exec("ffmpeg", ["-v", "error", "-y", "-i", video, "-vf", `select=eq(n\\,${frameIndex})`, "-frames:v", "1", frame]);
      const shown = await ssim(frame, uprightRef);
      expect(shown, `photo ${i + 1}`).toBeGreaterThan(0.9);
      expect(shown - (await ssim(frame, sidewaysRef)), `photo ${i + 1} upright, not sideways`).toBeGreaterThan(0.1);
    }
  }, 240_000);
});
