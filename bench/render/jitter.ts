/**
 * Ken Burns motion quality: two slides (one zooming in, one out) of a photo of dots, rendered by our pipeline at
 * the bench's frame size, each dot tracked through every frame (packages/render/test/motion.ts).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { VideoSpecSchema } from "@photoreel/contracts";
import { renderVideo } from "@photoreel/render";
import type { RenderProfile } from "@photoreel/render/policy";
import { planTimeline } from "@photoreel/timeline";
import { makeDotPhoto, measureMotion, type MotionReport } from "../../packages/render/test/motion.ts";

export async function measureJitter(root: string, profile: RenderProfile): Promise<MotionReport & { slides: number }> {
  const dir = path.join(root, "jitter");
  await mkdir(dir, { recursive: true });
  const photo = await makeDotPhoto(path.join(dir, "dots.jpg"), profile.width * 2, profile.height * 2);
  const spec = VideoSpecSchema.parse({
    slides: [1, 2].map((i) => ({ photoId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` })),
    kenBurns: true,
    transition: "none",
    secondsPerPhoto: 3,
    fit: "contain",
  });
  const out = await renderVideo({ spec, profile, photos: [photo, photo], workDir: path.join(dir, "work") });
  const plan = planTimeline(spec, profile);
  const reports = await Promise.all(
    plan.slides.map((s, i) => measureMotion(out.videoPath, plan, i, { firstFrame: plan.titleFrames + s.start, from: 0, frames: s.frames })),
  );
  return {
    slides: reports.length,
    monotonic: reports.every((r) => r.monotonic),
    jitterRms: Math.sqrt(reports.reduce((a, r) => a + r.jitterRms ** 2, 0) / reports.length),
    jitterMax: Math.max(...reports.map((r) => r.jitterMax)),
    offPath: Math.max(...reports.map((r) => r.offPath)),
    meanStep: reports.reduce((a, r) => a + r.meanStep, 0) / reports.length,
  };
}
