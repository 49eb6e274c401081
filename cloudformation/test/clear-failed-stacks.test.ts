import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./lib/cfn";

/** scripts/ci/clear-failed-stacks.sh with a stand-in `aws` that answers describe-stacks from a table of states. */
function run(states: Record<string, string | null>, unreadable: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "clear-stacks-"));
  const log = join(dir, "calls.log");
  const cases = Object.entries(states)
    .map(([stack, s]) =>
      s === null
        ? `*"--stack-name photoreel-prod-${stack} "*) echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id photoreel-prod-${stack} does not exist" >&2; exit 254 ;;`
        : `*"--stack-name photoreel-prod-${stack} "*) echo ${s} ;;`,
    )
    .join("\n");
  writeFileSync(
    join(dir, "aws"),
    `#!/bin/bash\necho "aws $*" >> ${log}\nif [ "$2" = describe-stacks ]; then\ncase "$* " in\n${cases}\n*) echo "An error occurred (AccessDenied)" >&2; exit 254 ;;\nesac\nfi\n`,
  );
  chmodSync(join(dir, "aws"), 0o755);
  const r = spawnSync("bash", ["scripts/ci/clear-failed-stacks.sh", "prod", ...Object.keys(states), ...unreadable], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { PATH: `${dir}:/usr/bin:/bin` },
  });
  const calls = readFileSync(log, "utf8").trim().split("\n").filter((c) => !c.includes("describe-stacks"));
  return { status: r.status, out: r.stdout + r.stderr, calls };
}

describe("scripts/ci/clear-failed-stacks.sh (a failed first deploy does not stay stuck)", () => {
  it("deletes only the stacks in ROLLBACK_COMPLETE and waits for each deletion", () => {
    const r = run({ network: "CREATE_COMPLETE", edge: "ROLLBACK_COMPLETE", data: "UPDATE_ROLLBACK_COMPLETE", app: null });
    expect(r.status, r.out).toBe(0);
    expect(r.calls).toEqual(["aws cloudformation delete-stack --stack-name photoreel-prod-edge", "aws cloudformation wait stack-delete-complete --stack-name photoreel-prod-edge"]);
  });

  it("leaves a failed update alone (it still holds resources: a person decides)", () => {
    const r = run({ data: "UPDATE_ROLLBACK_FAILED", app: "UPDATE_FAILED" });
    expect(r.status, r.out).toBe(0);
    expect(r.calls).toEqual([]);
  });

  it("stops when a stack's state cannot be read (no access, throttling) instead of deploying blind", () => {
    const r = run({ network: "ROLLBACK_COMPLETE" }, ["auth"]);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("could not read the state of photoreel-prod-auth");
  });
});
