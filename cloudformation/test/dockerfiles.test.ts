import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WORKER_PROCESS_ENV } from "@photoreel/config";
import { describe, expect, it } from "vitest";
import { find, loadTemplates, REPO_ROOT, type Json } from "./lib/cfn";

// No Docker engine here: these check the Dockerfiles against the apps they package, not a built image.
const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");
const buildOutfile = (app: string) => {
  const pkg = JSON.parse(read(`apps/${app}/package.json`)) as { scripts?: Record<string, string> };
  // The first bundle the build script makes is the app's entry (the worker's second is its pre-scale child).
  return /bundle\.mjs\s+\S+\s+(dist\/\S+)/.exec(pkg.scripts?.build ?? "")?.[1];
};

describe.each(["api", "worker"])("apps/%s/Dockerfile", (app) => {
  const text = read(`apps/${app}/Dockerfile`);
  const stages = text.split(/^FROM /m).slice(1);

  it("is multi-stage on node:22-bookworm-slim with a frozen install and pnpm 12.4.2", () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(stages.length).toBe(2);
    expect(stages.every((s) => s.startsWith("${NODE_IMAGE} AS "))).toBe(true);
    expect(stages[0]).toMatch(/npm i -g pnpm@12\.4\.2/);
    expect(stages[0]).toMatch(/pnpm install --frozen-lockfile/);
    expect(stages[0]).toMatch(/--config.node-linker=hoisted deploy --prod \/out/);
  });

  it("runs as a non-root user the bundle its package builds, with a HEALTHCHECK", () => {
    const runtime = stages[1]!;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    const outfile = buildOutfile(app);
    expect(outfile, `apps/${app}/package.json build script names no dist/ outfile`).toBeDefined();
    expect(runtime).toContain(`CMD ["node", "--enable-source-maps", "${outfile}"]`);
  });
});

describe("health checks match the apps", () => {
  it("the worker's heartbeat file is the one its Dockerfile and task definition check", () => {
    const src = join(REPO_ROOT, "apps/worker/src/main.ts");
    expect(existsSync(src)).toBe(true);
    expect(readFileSync(src, "utf8")).toContain('"/tmp/worker-alive"');
    expect(read("apps/worker/Dockerfile")).toContain("statSync('/tmp/worker-alive').mtimeMs<60000");
    const app = find(loadTemplates(), "app");
    const worker = (app.Resources.WorkerTaskDefinition!.Properties!.ContainerDefinitions as Record<string, Json>[])[0]!;
    expect(JSON.stringify(worker.HealthCheck)).toContain("statSync('/tmp/worker-alive').mtimeMs<60000");
    expect(read("apps/worker/Dockerfile")).toMatch(/apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core/);
  });

  it("the worker image runs with the worker's memory settings", () => {
    const env = /^ENV (.+)$/m.exec(read("apps/worker/Dockerfile").split(/^FROM /m).at(-1)!)?.[1] ?? "";
    for (const [k, v] of Object.entries(WORKER_PROCESS_ENV)) expect(env.split(/\s+/)).toContain(`${k}=${v}`);
  });

  it("the api serves /healthz, which the image, the task and the target group check", () => {
    const srcDir = join(REPO_ROOT, "apps/api/src/http/app.ts");
    expect(readFileSync(srcDir, "utf8")).toMatch(/get\("\/healthz"/);
    expect(read("apps/api/Dockerfile")).toContain("http://127.0.0.1:8080/healthz");
    const edge = find(loadTemplates(), "edge");
    expect(edge.Resources.ApiTargetGroup!.Properties!.HealthCheckPath).toBe("/healthz");
  });

  it(".dockerignore keeps node_modules, build output and local state out of the context", () => {
    const ignore = read(".dockerignore").split("\n");
    for (const p of ["**/node_modules", "**/dist", ".git", ".data", ".cognito"]) expect(ignore).toContain(p);
  });
});
