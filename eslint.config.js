import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.data/**", "**/*.config.*"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": ["error", { ignoreRestArgs: true }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Settings come from the one config schema: product code asks packages/config, never process.env.
    files: ["apps/*/src/**/*.{ts,tsx}", "packages/*/src/**/*.ts", "packages/testkit/**/*.ts"],
    ignores: ["packages/config/src/**", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read settings through @photoreel/config (loadConfig / readEnvironment)." }],
    },
  },
  {
    files: ["**/migrations/*.ts", "**/migrate.ts"],
    // Migrations are frozen in time and take Kysely<any> by design.
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
