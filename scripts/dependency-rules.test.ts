/**
 * The layer rules in .dependency-cruiser.cjs fail `pnpm lint` on a violation: each case plants a throwaway file in
 * the layer it breaks, runs the same command `pnpm lint` runs on just that file, and expects that rule by name. The
 * allowed cases (web importing the router as a type) must pass, so a rule that flags everything cannot pass either.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "..");
const depcruise = join(repo, "node_modules", ".bin", "depcruise");

function cruise(paths: string[]) {
  const r = spawnSync(depcruise, [...paths, "--config", ".dependency-cruiser.cjs", "--output-type", "err"], { cwd: repo, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Writes `source` at `dir/__planted-<id>.ts(x)`, cruises it, removes it. */
function plant(dir: string, source: string, ext = "ts") {
  const file = join(dir, `__planted-${process.pid}-${Math.random().toString(36).slice(2, 8)}.${ext}`);
  writeFileSync(join(repo, file), source);
  try {
    return cruise([file]);
  } finally {
    rmSync(join(repo, file), { force: true });
  }
}

describe("dependency rules (.dependency-cruiser.cjs, run by pnpm lint)", { timeout: 60_000 }, () => {
  it("main as it stands has no violation", () => {
    const r = cruise(["apps", "packages", "bench"]);
    expect(r.output).toContain("no dependency violations found");
    expect(r.status).toBe(0);
  });

  it.each([
    ["core imports db", "packages/core/src", `import { migrateToLatest } from "@photoreel/db";\nexport const x = migrateToLatest;\n`, "core-sees-contracts-only"],
    ["core imports db types", "packages/core/src", `import type { Database } from "@photoreel/db";\nexport type X = Database;\n`, "core-sees-contracts-only"],
    ["core imports a driver", "packages/core/src", `import { Kysely } from "kysely";\nexport const x = Kysely;\n`, "core-sees-contracts-only"],
    ["web imports core at runtime", "apps/web/src", `import { keys } from "@photoreel/core";\nexport const x = keys;\n`, "web-no-server-code"],
    ["web imports the router at runtime", "apps/web/src", `import { appRouter } from "@photoreel/api";\nexport const x = appRouter;\n`, "web-no-server-code"],
    ["web imports db types", "apps/web/src", `import type { Database } from "@photoreel/db";\nexport type X = Database;\n`, "web-no-server-types-either"],
    ["an adapter imports another", "packages/adapters/src/aws", `import { S3BlobStore } from "./s3-blob-store";\nexport const x = S3BlobStore;\n`, "adapters-do-not-import-each-other"],
    ["render imports an AWS SDK", "packages/render/src", `import { S3Client } from "@aws-sdk/client-s3";\nexport const x = S3Client;\n`, "render-is-pure"],
    ["render imports db", "packages/render/src", `import * as db from "@photoreel/db";\nexport const x = db;\n`, "render-is-pure"],
    ["a package imports an app", "packages/testkit/src", `import { createHttpApp } from "../../../apps/api/src/http/app";\nexport const x = createHttpApp;\n`, "packages-and-bench-do-not-import-apps"],
    ["a bench imports an app's test harness", "bench/library", `import { startTestStack } from "../../apps/api/test/harness.ts";\nexport const x = startTestStack;\n`, "packages-and-bench-do-not-import-apps"],
    ["an app imports another app", "apps/worker/src", `import { createHttpApp } from "../../api/src/http/app";\nexport const x = createHttpApp;\n`, "apps-do-not-import-each-other"],
  ])("fails when %s", (_what, dir, source, rule) => {
    const r = plant(dir, source);
    expect(r.output).toContain(`error ${rule}: ${dir}/__planted-`);
    expect(r.status).not.toBe(0);
  });

  it("lets the web import the router as a type only", () => {
    const r = plant("apps/web/src", `import type { AppRouter } from "@photoreel/api";\nexport type X = AppRouter;\n`);
    expect(r.output).toContain("no dependency violations found");
    expect(r.status).toBe(0);
  });
});
