import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, templateFiles } from "./lib/cfn";

function cfnLint(files: string[]) {
  const r = spawnSync("cfn-lint", files, { cwd: REPO_ROOT, encoding: "utf8" });
  if (r.error) throw new Error(`cfn-lint could not run (is it installed? pip install cfn-lint): ${r.error.message}`);
  return r;
}

describe("cfn-lint", () => {
  it("finds every template", () => {
    expect(templateFiles().map((f) => relative(REPO_ROOT, f))).toEqual(
      ["app", "auth", "config", "data", "edge", "media", "monitoring", "network", "pipeline"].map((s) => `cloudformation/${s}.yml`),
    );
  });

  it("passes cloudformation/*.yml with no findings at all (errors, warnings or informational)", () => {
    const r = cfnLint(templateFiles().map((f) => relative(REPO_ROOT, f)));
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);

  it("reports a broken template (the check above can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfn-lint-"));
    const bad = join(dir, "bad.yml");
    writeFileSync(
      bad,
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: !Ref Missing\n',
    );
    const r = cfnLint([bad]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/Missing/);
  }, 60_000);
});
