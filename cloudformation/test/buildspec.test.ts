import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { templateConfigs } from "../template-config.mjs";
import { find, loadTemplates, REPO_ROOT, type Json } from "./lib/cfn";

/** A hand-written schema of the parts of the CodeBuild buildspec format this project uses. */
function validateBuildspec(doc: unknown): string[] {
  const errors: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  if (!isObj(doc)) return ["not a mapping"];
  if (doc.version !== 0.2) errors.push("version must be 0.2");
  const allowedTop = new Set(["version", "env", "phases", "artifacts", "cache", "reports", "run-as", "proxy", "batch"]);
  for (const k of Object.keys(doc)) if (!allowedTop.has(k)) errors.push(`unknown top-level key ${k}`);
  if (!isObj(doc.phases)) return [...errors, "phases missing"];
  for (const name of ["install", "pre_build", "build", "post_build"]) {
    const phase = doc.phases[name];
    if (!isObj(phase)) { errors.push(`phases.${name} missing`); continue; }
    for (const k of Object.keys(phase)) if (!["commands", "finally", "on-failure", "runtime-versions", "run-as"].includes(k)) errors.push(`phases.${name}.${k} unknown`);
    if (!Array.isArray(phase.commands) || phase.commands.length === 0 || !phase.commands.every((c) => typeof c === "string"))
      errors.push(`phases.${name}.commands must be a non-empty list of strings`);
    if (phase["on-failure"] !== undefined && !["ABORT", "CONTINUE"].includes(String(phase["on-failure"]))) errors.push(`phases.${name}.on-failure`);
  }
  for (const k of Object.keys(doc.phases)) if (!["install", "pre_build", "build", "post_build"].includes(k)) errors.push(`phases.${k} unknown`);
  if (!isObj(doc.artifacts) || !Array.isArray(doc.artifacts.files) || doc.artifacts.files.length === 0) errors.push("artifacts.files missing");
  return errors;
}

const text = readFileSync(join(REPO_ROOT, "buildspec.yml"), "utf8");
const doc = parse(text) as { phases: Record<string, { commands: string[]; "runtime-versions"?: Record<string, unknown> }>; artifacts: { files: string[] } };
const commands = (phase: string) => doc.phases[phase]!.commands;
const all = ["install", "pre_build", "build", "post_build"].flatMap(commands);
const indexOf = (re: RegExp) => all.findIndex((c) => re.test(c));

describe("buildspec.yml", () => {
  it("matches the schema", () => {
    expect(validateBuildspec(doc)).toEqual([]);
  });

  it("the schema rejects a malformed buildspec (the check can fail)", () => {
    expect(validateBuildspec({ version: "0.2", phases: { install: { commands: [1] } } })).toEqual(
      expect.arrayContaining(["version must be 0.2", "phases.install.commands must be a non-empty list of strings", "phases.build missing", "artifacts.files missing"]),
    );
  });

  it("installs the pinned Node.js (ensure_node, before anything runs node) and the pinned Python tools", () => {
    expect(indexOf(/ensure\.sh && ensure_node\b/)).toBe(0);
    expect(doc.phases.install!["runtime-versions"]?.nodejs).toBeUndefined();
    expect(indexOf(/pip3? install .*-r scripts\/ci\/python-tools\.txt/)).toBeGreaterThan(0);
  });

  it("builds once, tests in that image, and pushes only after the tests passed", () => {
    const steps = [/docker build .*--target build -t photoreel-build \.$/, /docker build .*--target test -t photoreel-test \.$/, /^docker run --rm photoreel-test$/, /push-image\.sh "\$API_REPOSITORY_URI"/, /push-image\.sh "\$WORKER_REPOSITORY_URI"/];
    const at = steps.map(indexOf);
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(doc.phases.build!["on-failure" as never]).toBe("ABORT");
    // Nothing is installed or built on the host: the image is what gets tested and shipped.
    expect(all.filter((c) => /pnpm (install|build|test|lint|typecheck)|apt-get install/.test(c))).toEqual([]);
  });

  it("pushes each image once per commit, packaged from the build image", () => {
    for (const app of ["api", "worker"]) {
      const cmd = all.find((c) => c.includes(`push-image.sh "$${app.toUpperCase()}_REPOSITORY_URI"`))!;
      expect(cmd).toContain(`"$IMAGE_TAG" apps/${app}/Dockerfile`);
      expect(cmd).toContain("--build-arg BUILD_IMAGE=photoreel-build");
    }
    expect(all.some((c) => /^docker push/.test(c))).toBe(false); // only through the idempotent script
    expect(indexOf(/IMAGE_TAG=.*CODEBUILD_RESOLVED_SOURCE_VERSION/)).toBeGreaterThanOrEqual(0);
  });

  it("uploads the thumbnailer zip from the build image and writes one template configuration per deployed stack", () => {
    expect(indexOf(/docker cp "\$id:\/out\/thumbnailer"/)).toBeGreaterThanOrEqual(0);
    expect(indexOf(/aws s3 cp .*thumbnailer.*\.zip\S* .*ARTIFACT_BUCKET/)).toBeGreaterThanOrEqual(0);
    expect(doc.artifacts.files).toEqual(expect.arrayContaining(["cfn/*.json", "cloudformation/*.yml"]));
    expect(indexOf(/THUMBNAILER_CODE_KEY="thumbnailer\/\$IMAGE_TAG\.zip" node cloudformation\/template-config\.mjs cfn$/)).toBeGreaterThanOrEqual(0);
  });

  it("each template configuration sets only parameters its template declares, and with the pipeline's overrides every required one", () => {
    const templates = loadTemplates();
    const configs = templateConfigs({ envName: "test", imageTag: "abc123", artifactBucket: "bucket", thumbnailerCodeKey: "thumbnailer/abc123.zip" });
    const deploy = (find(templates, "pipeline").Resources.Pipeline!.Properties!.Stages as { Name: string; Actions: Record<string, Json>[] }[])
      .find((s) => s.Name === "Deploy")!.Actions;
    const overrideKeys = (stack: string): string[] => {
      const cfg = deploy.find((a) => String((a.Configuration as Record<string, Json>).TemplatePath).endsWith(`/${stack}.yml`))!.Configuration as Record<string, Json>;
      const o = cfg.ParameterOverrides as Json;
      if (o === undefined) return [];
      const raw = typeof o === "string" ? o : JSON.stringify(o);
      return [...raw.matchAll(/\\?"([A-Za-z]+)\\?":/g)].map((m) => m[1]!);
    };
    expect(Object.keys(configs).sort()).toEqual(templates.map((t) => t.stack).filter((s) => s !== "pipeline").sort());
    for (const t of templates.filter((x) => x.stack !== "pipeline")) {
      const set = [...Object.keys(configs[t.stack]!.Parameters), ...overrideKeys(t.stack)];
      expect(set.filter((k) => !(k in t.Parameters)), `${t.stack}: undeclared`).toEqual([]);
      const required = Object.entries(t.Parameters).filter(([, p]) => p.Default === undefined).map(([k]) => k);
      expect(required.filter((k) => !set.includes(k)), `${t.stack}: required but unset`).toEqual([]);
    }
  });
});
