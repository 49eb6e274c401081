/**
 * `pnpm typecheck` runs the root tsconfig.json (every Node package as one program) and, separately, the packages
 * whose tsconfig sets its own compiler options. A package added later must land in one of the two, or its files
 * would never be type-checked in CI.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "..");
const readJsonc = (file: string) => ts.parseConfigFileTextToJson(file, readFileSync(file, "utf8")).config as Record<string, unknown>;

describe("pnpm typecheck covers every package", () => {
  const root = readJsonc(join(repo, "tsconfig.json")) as { extends: string; compilerOptions?: unknown; include: string[] };
  const script = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.typecheck!;
  const dirs = ["apps", "packages"].flatMap((top) => readdirSync(join(repo, top)).map((d) => `${top}/${d}`)).concat("cloudformation", "bench")
    .filter((d) => existsSync(join(repo, d, "tsconfig.json")));

  it("finds the packages", () => expect(dirs.length).toBeGreaterThan(15));

  it.each(dirs)("%s", (dir) => {
    const own = readJsonc(join(repo, dir, "tsconfig.json")) as { compilerOptions?: unknown; include: string[] };
    const name = (JSON.parse(readFileSync(join(repo, dir, "package.json"), "utf8")) as { name: string }).name;
    if (own.compilerOptions) {
      // Its own settings: the script runs its own typecheck.
      expect(script).toContain(`--filter=${name}`);
    } else {
      // The plain settings: the root program includes exactly what its tsconfig includes, with the same options.
      for (const inc of own.include) expect(root.include).toContain(`${dir}/${inc}`);
      expect(script).not.toContain(`--filter=${name}`);
    }
  });

  it("the root program adds no options of its own", () => {
    expect(root.extends).toBe("./tsconfig.base.json");
    expect(root.compilerOptions).toBeUndefined();
  });
});
