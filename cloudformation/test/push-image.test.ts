import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./lib/cfn";

/**
 * scripts/ci/push-image.sh with stand-ins for the `aws` and `docker` CLIs (no ECR or Docker engine here): each
 * stand-in logs its arguments; `aws ecr describe-images` answers the way the real CLI does for the case under test.
 */
const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/photoreel-prod-api";

function run(ecr: { exit: number; stdout?: string; stderr?: string }) {
  const dir = mkdtempSync(join(tmpdir(), "push-image-"));
  const log = join(dir, "calls.log");
  const stub = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/bash\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  stub("aws", `printf '%s' ${JSON.stringify(ecr.stdout ?? "")}; printf '%s' ${JSON.stringify(ecr.stderr ?? "")} >&2; exit ${ecr.exit}`);
  stub("docker", "exit 0");
  const r = spawnSync("bash", ["scripts/ci/push-image.sh", REPO, "abc123", "apps/api/Dockerfile", "--build-arg", "NODE_IMAGE=node:x"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { PATH: `${dir}:/usr/bin:/bin` },
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(log, "utf8").trim().split("\n");
  } catch {}
  return { status: r.status, out: r.stdout + r.stderr, calls };
}

describe("scripts/ci/push-image.sh (idempotent push to an IMMUTABLE repository)", () => {
  it("builds and pushes when the commit's tag is not in ECR yet", () => {
    const r = run({ exit: 254, stderr: "An error occurred (ImageNotFoundException) when calling the DescribeImages operation: The image with imageId {imageTag:'abc123'} does not exist" });
    expect(r.status, r.out).toBe(0);
    expect(r.calls).toEqual([
      "aws ecr describe-images --repository-name photoreel-prod-api --image-ids imageTag=abc123 --query imageDetails[0].imageDigest --output text",
      `docker build --build-arg NODE_IMAGE=node:x -f apps/api/Dockerfile -t ${REPO}:abc123 .`,
      `docker push ${REPO}:abc123`,
    ]);
  });

  it("keeps the image already pushed for this commit (a retried build, a rollback release): no build, no push", () => {
    const r = run({ exit: 0, stdout: "sha256:0123abcd" });
    expect(r.status, r.out).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("docker"))).toEqual([]);
    expect(r.out).toContain("already in ECR (sha256:0123abcd)");
  });

  it("fails on any other ECR answer instead of guessing", () => {
    const r = run({ exit: 254, stderr: "An error occurred (AccessDeniedException) when calling the DescribeImages operation" });
    expect(r.status).not.toBe(0);
    expect(r.calls.filter((c) => c.startsWith("docker"))).toEqual([]);
    expect(r.out).toContain("could not tell whether");
  });
});
