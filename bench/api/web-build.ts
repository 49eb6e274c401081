import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Builds the web app the API process serves (`apps/web/dist`) when it is missing or older than its sources. */
export function ensureWebBuild(web: string) {
  const manifest = join(web, "dist", ".vite", "manifest.json");
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  if (existsSync(manifest) && statSync(manifest).mtimeMs > Math.max(newest(join(web, "src")), statSync(join(web, "index.html")).mtimeMs)) return;
  console.log("building the web app…");
  execFileSync(process.execPath, [join(web, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], { cwd: web, stdio: "inherit" });
}
