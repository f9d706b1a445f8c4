// Type-aware lint: the rules that catch floating promises and unsafe `any` need the type checker.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import jest from "eslint-plugin-jest";

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
      // Deep imports of the provider are the contract (DESIGN.md §2): the barrel costs ~1.4 s and ~450 MB.
      "no-restricted-imports": ["error", { paths: [{ name: "@cdktf/provider-aws", message: "Import provider classes by deep path, e.g. @cdktf/provider-aws/lib/s3-bucket." }] }],
      "no-console": "off",
      // Commands share one async signature; some need no await.
      "@typescript-eslint/require-await": "off",
    },
  },
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
