/**
 * Preloaded into the real API process (`node --import` before its entry) by api-server.ts: profiles that process's
 * CPU between two IPC commands, as the inspector does, without touching the API's code.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizeProfile, type Profile } from "./profile.ts";

let session: Session | null = null;

process.on("message", (m: { cmd?: string }) => {
  void handle(m.cmd).catch((err: unknown) => process.send!({ kind: "error", message: String(err instanceof Error ? err.stack : err) }));
});

async function handle(cmd: string | undefined) {
  if (cmd === "profile-start") {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 200 });
    await session.post("Profiler.start");
    process.send!({ kind: "ok" });
  } else if (cmd === "profile-stop") {
    const { profile } = (await session!.post("Profiler.stop")) as { profile: Profile };
    session!.disconnect();
    session = null;
    const file = join(tmpdir(), `photoreel-api-bench-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.send!({ kind: "profile", summary: summarizeProfile(profile), file });
  }
}
