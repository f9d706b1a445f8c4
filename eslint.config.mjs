// Type-aware lint: the rules that catch floating promises and unsafe `any` need the type checker.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import jest from "eslint-plugin-jest";
import boundaries from "./scripts/lint/boundaries.cjs";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", "coverage/", "**/*.js", "**/*.mjs", "**/*.cjs", "pipe/dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
      // Commands share one async signature; some need no await.
      "@typescript-eslint/require-await": "off",
    },
  },
  // The dependency direction between the parts, and no import cycles (scripts/lint/boundaries.cjs).
  ...boundaries.boundaryConfigs,
  { files: ["**/*.ts"], plugins: { fleet: boundaries.fleetPlugin }, rules: { "fleet/no-cycle": "error" } },
  {
    files: ["__tests__/**/*.ts"],
    ...jest.configs["flat/recommended"],
    rules: {
      ...jest.configs["flat/recommended"].rules,
      "jest/no-focused-tests": "error",
      "jest/no-disabled-tests": "error",
      "jest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*", "assert*"] }],
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Helpers are shared code for tests, not tests themselves.
    files: ["__tests__/helpers/**/*.ts"],
    rules: { "jest/no-export": "off", "jest/valid-title": "off", "jest/valid-describe-callback": "off", "jest/expect-expect": "off" },
  },
);
