/**
 * The layer rules of house-style.md "Dependency direction", checked on every `pnpm lint`.
 * Paths are resolved files (workspace packages resolve through node_modules to packages/<name>/src), so a rule
 * holds whether a file names a package or reaches it by a relative path. Tests (*.test.ts, test/) may cross layers:
 * they assemble real parts on purpose.
 */
const TESTS = "(\\.test\\.tsx?$|/test/|/e2e/)";
// Files in packages/adapters/src/aws that implement one port each; the rest are shared helpers and the factory.
const ADAPTER_HELPERS = "(adapters|clients|errors|index)\\.ts$";
/**
 * A workspace package, matched as a resolved path or, when the importer does not declare it (pnpm links only declared
 * dependencies, so the import cannot resolve), by its bare name: an undeclared import breaks the rule just the same.
 */
const pkg = (names) => `^(packages/(${names})/|@photoreel/(${names})($|/))`;
/** A third-party package, resolved into node_modules or unresolved by name. */
const npm = (names) => `(^|node_modules/)(${names})($|/)`;
const SERVER_PACKAGES = "db|adapters|core|api|bootstrap|config|local-stack|testkit|render";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-sees-contracts-only",
      comment: "core holds domain services and ports: it depends on @photoreel/contracts and nothing else of ours, and on no SDK or driver.",
      severity: "error",
      from: { path: "^packages/core/src/", pathNot: TESTS },
      to: {
        dependencyTypesNot: ["core"],
        pathNot: ["^packages/(core|contracts)/src/", npm("zod")],
      },
    },
    {
      name: "web-no-server-code",
      comment: "The browser bundle never carries db, adapters, core or the router: `import type { AppRouter }` is the only way in.",
      severity: "error",
      from: { path: "^apps/web/src/", pathNot: TESTS },
      to: {
        path: pkg(SERVER_PACKAGES),
        // render's encoding policy is pure (no node:, sharp or FFmpeg): the composer shows its file-size estimate.
        pathNot: "^packages/render/src/policy\\.ts$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "web-no-server-types-either",
      comment: "Type-only imports into the web app are for the router's AppRouter; db, adapters and core types stay server-side.",
      severity: "error",
      from: { path: "^apps/web/src/" },
      to: { path: pkg("db|adapters|core") },
    },
    {
      name: "adapters-do-not-import-each-other",
      comment: "Each adapter implements one port; shared SDK clients and error mapping live in the helpers beside them.",
      severity: "error",
      from: { path: "^packages/adapters/src/aws/([^/]+)\\.ts$", pathNot: [ADAPTER_HELPERS, TESTS] },
      to: { path: "^packages/adapters/src/aws/", pathNot: [ADAPTER_HELPERS, "^packages/adapters/src/aws/$1\\.ts$"] },
    },
    {
      name: "adapters-not-local-stack",
      comment: "The AWS adapters and the local stand-ins are alternatives composed by the apps, never layered on each other.",
      severity: "error",
      from: { path: "^packages/adapters/src/", pathNot: TESTS },
      to: { path: pkg("local-stack") },
    },
    {
      name: "render-is-pure",
      comment: "render turns a plan into FFmpeg work: no cloud SDK, database, adapters, core services or router.",
      severity: "error",
      from: { path: "^packages/render/src/", pathNot: TESTS },
      to: {
        path: [pkg("db|adapters|core|api|bootstrap|config|local-stack|testkit"), npm("@aws-sdk|@smithy|kysely|pg|@electric-sql|@trpc")],
      },
    },
    {
      name: "packages-and-bench-do-not-import-apps",
      comment: "Apps sit on top: packages and benches reach them only as a process (spawn the package's entry), never as an import.",
      severity: "error",
      from: { path: "^(packages|bench)/" },
      to: { path: "^(apps/|@photoreel/(api-server|worker|thumbnailer|web)($|/))" },
    },
    {
      name: "apps-do-not-import-each-other",
      comment: "An app may start another as a process through its package entry, not import its modules.",
      severity: "error",
      from: { path: "^apps/([^/]+)/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["(^|/)(dist|\\.data|\\.tmp|coverage|playwright-report|test-results)/", "\\.d\\.ts$"] },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
