// Transpile-only (swc): type checking is `tsc --noEmit`, a separate step of `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/setup.ts"],
  testTimeout: 60000,
  // Coverage (`npm test` collects it): instrumented by the swc transform, which measured about a third more
  // CPU than without coverage on the stacks, core and config tests (V8's counters: more than twice).
  // Thresholds on the parts whose code is meant to be fully tested in process; the rest is reported.
  // The deployer's end-to-end tests run the built bundle in a child process, whose lines are not counted here; its
  // in-process tests (__tests__/deployer/in-process*.test.ts) drive deploy() over the same adapters to cover them.
  collectCoverageFrom: ["main.ts", "{core,lambdas,deployer,pipe,stacks,cli}/**/*.ts"],
  coverageReporters: ["text-summary", "json-summary"],
  coverageThreshold: {
    "./core/": { lines: 90 },
    "./lambdas/": { lines: 90 },
    "./deployer/": { lines: 90 },
  },
};
