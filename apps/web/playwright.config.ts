import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { defineConfig, devices } from "@playwright/test";

const repo = join(import.meta.dirname, "..", "..");

// The config is evaluated in the runner and in every worker; pick the port and data dir once and pass them on
// through the environment (workers inherit it). The port is bound later, after the app has started its stand-ins
// on ports the OS picks: local-stack's laterPort chooses one the OS will not hand them meanwhile (a port from
// listen(0) once was, and the web server failed to start). Run apart because this config cannot wait for it.
if (!process.env.E2E_PORT) {
  const ports = pathToFileURL(join(repo, "packages", "local-stack", "src", "ports.ts")).href;
  const pick = `import(${JSON.stringify(ports)}).then((m) => m.laterPort()).then((p) => console.log(p))`;
  process.env.E2E_PORT = execFileSync(process.execPath, ["--import", "tsx", "-e", pick], { cwd: repo, encoding: "utf8" }).trim();
}
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "photoreel-e2e-"));
const port = process.env.E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/artifacts",
  // One app instance is shared and every spec signs up its own accounts, so two spec files run at once (a spec's
  // own tests stay in order). Most of a journey is waiting on uploads, thumbnails and renders: two at a time take
  // about 70% of the serial time on 2 cores. The render worker is one; each spec's timeouts allow for a wait.
  workers: 2,
  fullyParallel: false,
  timeout: 6 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 }, channel: undefined } }],
  webServer: {
    // Build the web app, then start the whole stack (stand-ins, API, worker) serving it, on one origin.
    command: `${process.env.E2E_SKIP_BUILD ? "" : `"${process.execPath}" apps/web/node_modules/vite/bin/vite.js build apps/web --logLevel warn && `}exec "${process.execPath}" --import tsx apps/api/src/main.ts`,
    cwd: repo,
    url: `${baseURL}/readyz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      WEB_DIST_DIR: join(repo, "apps", "web", "dist"),
      DATA_DIR: process.env.E2E_DATA_DIR,
      PORT: port,
      EMBEDDED_FREE_PORTS: "true",
      ADMIN_EMAILS: "admin@example.com",
      // Every spec signs its own users up from 127.0.0.1: more than a network's 10 sign-ups per 15 minutes. The
      // limits themselves are tested over HTTP in apps/api/test/security/rate-limits.int.test.ts.
      RATE_LIMIT_SIGNUP_PER_IP: "1000",
      RATE_LIMIT_SIGNIN_PER_IP: "1000",
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
      NODE_ENV: "test",
    },
  },
});
