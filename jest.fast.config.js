// The fast tier (`npm run test:fast`): every test that needs neither a local AWS (moto) nor terraform. A test
// needs them when it imports their helpers or the local run (which starts moto); it is found here by its
// imports, so a new test lands in the right tier without a list to keep.
const { readdirSync, readFileSync } = require("node:fs");
const { join, relative } = require("node:path");
const base = require("./jest.config");

const NEEDS_MOTO_OR_TERRAFORM = /from "(\.\.\/)+(helpers\/(moto|terraform)|cli\/local\/(run|moto))"|from "\.\/helpers"/;

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith(".test.ts") ? [path] : [];
  });
}

const slow = testFiles(join(__dirname, "__tests__")).filter((f) => NEEDS_MOTO_OR_TERRAFORM.test(readFileSync(f, "utf8")));

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // Every core (jest's default keeps one for itself): 13.7 s instead of 23.7 s on 2 cores, load average 4.5.
  maxWorkers: "100%",
  testPathIgnorePatterns: ["/node_modules/", ...slow.map((f) => `<rootDir>/${relative(__dirname, f).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)],
};
