import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WORKER_PROCESS_ENV } from "@photoreel/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { find, loadTemplates, REPO_ROOT, type Json } from "./lib/cfn";

// No Docker engine here: these check the Dockerfiles against the apps they package, not a built image.
const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");
const NODE_VERSION = read(".node-version").trim();
const buildOutfile = (app: string) => {
  const pkg = JSON.parse(read(`apps/${app}/package.json`)) as { scripts?: Record<string, string> };
  // The first bundle the build script makes is the app's entry (the others: the worker's pre-scale child, the api's migrate step).
  return /bundle\.mjs\s+\S+\s+(dist\/\S+)/.exec(pkg.scripts?.build ?? "")?.[1];
};
const stagesOf = (text: string) => text.split(/^FROM /m).slice(1);
const aptLine = (stage: string) => /apt-get install -y --no-install-recommends ([^\\\n&]+)/.exec(stage)?.[1]?.trim();

describe("the build image (root Dockerfile): built once, tested, packaged", () => {
  const text = read("Dockerfile");
  const stages = stagesOf(text);
  const stage = (name: string) => stages.find((s) => s.split("\n")[0]!.endsWith(` AS ${name}`))!;

  it("starts from the pinned Node.js image and pulls nothing from Docker Hub's frontend (no # syntax= line)", () => {
    expect(text).toContain(`ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim\n`);
    for (const f of ["Dockerfile", "apps/api/Dockerfile", "apps/worker/Dockerfile"]) expect(read(f), f).not.toMatch(/^#\s*syntax=/m);
  });

  it("installs dependencies from the lockfile before the sources are copied, so the layer cache survives code changes", () => {
    const build = stage("build");
    const at = (re: RegExp) => build.search(re);
    expect(at(/COPY pnpm-lock\.yaml pnpm-workspace\.yaml \.\//)).toBeGreaterThan(0);
    expect(at(/RUN pnpm fetch/)).toBeGreaterThan(at(/COPY pnpm-lock\.yaml/));
    expect(at(/COPY \. \./)).toBeGreaterThan(at(/RUN pnpm fetch/));
    expect(at(/pnpm install --offline --frozen-lockfile/)).toBeGreaterThan(at(/COPY \. \./));
    expect(build).toMatch(/npm i -g pnpm@12\.4\.2/);
  });

  it("builds every app once and leaves each one's deployable folder in /out", () => {
    expect(stage("build").match(/RUN pnpm build$/gm)).toHaveLength(1);
    for (const app of ["api-server:api", "worker:worker", "thumbnailer:thumbnailer"]) expect(stage("build")).toContain(app);
    for (const f of ["apps/api/Dockerfile", "apps/worker/Dockerfile"]) expect(read(f), `${f} must not build again`).not.toMatch(/pnpm (install|build|fetch)/);
  });

  it("the tests run on the worker's base: the same image and the same apt packages the worker ships with", () => {
    expect(stage("base").split("\n")[0]).toBe("${NODE_IMAGE} AS base");
    expect(stage("build").split("\n")[0]).toBe("base AS build");
    expect(stage("test").split("\n")[0]).toBe("build AS test");
    const worker = stagesOf(read("apps/worker/Dockerfile")).at(-1)!;
    expect(aptLine(stage("base"))).toBe(aptLine(worker));
    expect(worker.split("\n")[0]).toBe("${NODE_IMAGE} AS runtime");
  });

  it("the test image has PostgreSQL of the major version RDS runs, and the pinned Python tools", () => {
    const engine = String(find(loadTemplates(), "data").Resources.Database!.Properties!.EngineVersion);
    const buildspec = parse(read("buildspec.yml")) as { env: { variables: Record<string, string> } };
    expect(buildspec.env.variables.POSTGRES_MAJOR).toBe(engine.split(".")[0]);
    expect(stage("test")).toContain('"postgresql-$POSTGRES_MAJOR"');
    expect(stage("test")).toContain("-r scripts/ci/python-tools.txt");
    expect(stage("test")).toContain('CMD ["bash", "scripts/ci/test-in-image.sh"]');
  });
});

describe("cfn-lint and moto are pinned exactly", () => {
  const pins = Object.fromEntries(
    read("scripts/ci/python-tools.txt").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split("==") as [string, string]),
  );
  it("every tool has an exact version", () => {
    expect(Object.keys(pins).sort()).toEqual(["cfn-lint", "moto[server]"]);
    for (const v of Object.values(pins)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("this machine's cfn-lint is the pinned one (so 'no findings' means the same here and in CI)", () => {
    expect(execFileSync("cfn-lint", ["--version"], { encoding: "utf8" }).trim()).toBe(`cfn-lint ${pins["cfn-lint"]}`);
  });
});

describe.each(["api", "worker"])("apps/%s/Dockerfile", (app) => {
  const text = read(`apps/${app}/Dockerfile`);
  const stages = stagesOf(text);

  it("packages the build image's /out folder onto the pinned Node.js image", () => {
    expect(text).toContain(`ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim\n`);
    expect(text).toContain("ARG BUILD_IMAGE=photoreel-build\n");
    expect(stages.map((s) => s.split("\n")[0])).toEqual(["${BUILD_IMAGE} AS build", "${NODE_IMAGE} AS runtime"]);
    expect(stages[1]).toContain(`COPY --from=build /out/${app} /app`);
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
