/**
 * Entry of the pre-scale child process (started by `prescaleInChild`). It fits every photo and draws the poster,
 * reporting each photo over IPC, then exits, and the memory libvips used for decoding leaves with it.
 */
import { PhotoRejectedError } from "@photoreel/images";
import sharp from "sharp";
import { fitPhoto, mapLimit } from "./prescale";
import type { PrescaleReply, PrescaleRequest } from "./prescale-process";

// Nothing is read twice: libvips' operation cache would only hold on to decoded pixels.
sharp.cache(false);

const reply = (m: PrescaleReply) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

// A worker that dies (SIGKILL, a crash) closes the channel: stop rather than finish work nobody will use.
process.once("disconnect", () => process.exit(1));
process.once("message", (req: PrescaleRequest) => {
  void run(req).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

async function run(req: PrescaleRequest): Promise<void> {
  try {
    await mapLimit(req.tasks, 2, async (task, i) => {
      let focal;
      try {
        focal = await fitPhoto(task.src, task.dest, req.fit, req.limits, task.focal);
      } catch (err) {
        // The same refusal the thumbnailer gives (a swapped-in SVG, a 256 MP PNG): its message is for the user.
        const reason = err instanceof PhotoRejectedError && err.code !== "DAMAGED" ? err.message : undefined;
        throw Object.assign(new Error(String(err instanceof Error ? err.message : err)), { task: i, reason });
      }
      await reply({ kind: "fitted", task: i, focal });
    });
  } catch (err) {
    const { task, reason } = err as { task?: number; reason?: string };
    if (task === undefined) throw err;
    await reply({ kind: "unreadable", task, detail: (err as Error).message, ...(reason ? { reason } : {}) });
    return;
  }
  const { src, dest, width, height } = req.poster;
  await sharp(src).resize(width, height, { fit: "cover" }).jpeg({ quality: 85 }).toFile(dest);
  await reply({ kind: "done" });
}
