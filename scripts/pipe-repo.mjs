// The Bitbucket Pipe as a product of its own. Bitbucket resolves `pipe: acme/cdktf-fleet-pipe:x.y.z` by
// reading pipe.yml at the root of that repository at tag x.y.z, so the pipe's repository holds, at its root,
// pipe.yml, README.md, CHANGELOG.md, LICENSE, Dockerfile, .dockerignore and the built program (dist/).
// This script assembles that tree from this repository and keeps the pipe's metadata true:
//   node scripts/pipe-repo.mjs --write               regenerate pipe.yml's variables and the README table
//                                                    from pipe/catalog.ts
//   node scripts/pipe-repo.mjs --check               exit 1 when they are stale or the versions disagree
//   node scripts/pipe-repo.mjs --set-version 0.2.0   put the version (already in pipe/CHANGELOG.md) into
//                                                    pipe.yml's image and every README snippet
//   node scripts/pipe-repo.mjs --out <dir>           assemble the pipe repository tree (builds dist/ first;
//                                                    --no-build takes the dist/pipe there is)
// The release procedure that uses it is in pipe/RELEASING.md.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// --pipe-dir: another copy of the pipe's metadata (the tests check the version handling on a copy).
let pipeDir = join(root, "pipe");
const IMAGE = "acme/cdktf-fleet-pipe";
// A version tag in text: `acme/cdktf-fleet-pipe:0.1.0` followed by a quote, backtick, space or end.
const TAG = "[0-9][0-9A-Za-z.-]*[0-9A-Za-z]";
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/** pipe/catalog-render.ts, compiled on the fly (data and text functions only; no dependencies). */
function loadRenderer() {
  const out = buildSync({ entryPoints: [join(root, "pipe", "catalog-render.ts")], bundle: true, platform: "node", format: "cjs", write: false, logLevel: "silent" });
  const module = { exports: {} };
  new Function("module", "exports", "require", out.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  return module.exports;
}

const read = (name) => readFileSync(join(pipeDir, name), "utf8");

/** The newest released version: the first `## x.y.z` heading of the changelog (`## Unreleased` is skipped). */
export function changelogVersion(text) {
  const m = /^## \[?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]?/m.exec(text);
  return m?.[1];
}

/** Every problem with the pipe's metadata: stale generated parts, versions that disagree. */
function problems(render) {
  const found = [];
  const version = changelogVersion(read("CHANGELOG.md"));
  if (!version) found.push("pipe/CHANGELOG.md has no released version (a heading `## x.y.z - YYYY-MM-DD`)");
  const yml = read("pipe.yml");
  const readme = read("README.md");
  if (render.withGenerated("pipe.yml", yml) !== yml) found.push("pipe/pipe.yml: the variables list differs from pipe/catalog.ts; run node scripts/pipe-repo.mjs --write");
  if (render.withGenerated("README.md", readme) !== readme) found.push("pipe/README.md: the variables table differs from pipe/catalog.ts; run node scripts/pipe-repo.mjs --write");
  const tags = [...`${yml}\n${readme}`.matchAll(new RegExp(`${IMAGE}:(${TAG})`, "g"))].map((m) => m[1]);
  const wrong = [...new Set(tags.filter((t) => t !== version))];
  if (version && wrong.length > 0) found.push(`pipe.yml/README.md name ${IMAGE}:${wrong.join(", :")} but the newest version in pipe/CHANGELOG.md is ${version}; run node scripts/pipe-repo.mjs --set-version ${version}`);
  if (!/^image: /m.test(yml)) found.push("pipe/pipe.yml has no image: line");
  return found;
}

function setVersion(version) {
  if (!SEMVER.test(version)) throw new Error(`--set-version takes a SemVer version such as 1.2.0, got ${JSON.stringify(version)}`);
  if (changelogVersion(read("CHANGELOG.md")) !== version) throw new Error(`pipe/CHANGELOG.md must describe ${version} first: add a heading "## ${version} - <date>" above the older ones`);
  for (const name of ["pipe.yml", "README.md"]) {
    writeFileSync(join(pipeDir, name), read(name).replace(new RegExp(`${IMAGE}:${TAG}`, "g"), `${IMAGE}:${version}`));
  }
}

function assemble(out, version, { build = true } = {}) {
  const bundle = join(root, "dist", "pipe");
  if (build) {
    const r = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new Error("npm run build failed");
  }
  if (!existsSync(join(bundle, "index.js"))) throw new Error(`${join(bundle, "index.js")} is missing: run npm run build`);
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, "pipe.yml"))) throw new Error(`${out} is not empty and is not a pipe tree: refusing to write into it`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "dist"), { recursive: true });
  for (const name of ["pipe.yml", "README.md", "CHANGELOG.md", "Dockerfile", "RELEASING.md"]) copyFileSync(join(pipeDir, name), join(out, name));
  copyFileSync(join(pipeDir, "dockerignore"), join(out, ".dockerignore"));
  copyFileSync(join(root, "LICENSE"), join(out, "LICENSE"));
  // Every file of the bundle: the pipe and its compression worker, with their maps.
  for (const name of readdirSync(bundle)) copyFileSync(join(bundle, name), join(out, "dist", name));
  writeFileSync(join(out, "VERSION"), `${version}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { write: { type: "boolean" }, check: { type: "boolean" }, "set-version": { type: "string" }, out: { type: "string" }, "pipe-dir": { type: "string" }, "no-build": { type: "boolean" } } });
  if (values["pipe-dir"]) pipeDir = resolve(values["pipe-dir"]);
  try {
    const render = loadRenderer();
    if (values["set-version"]) setVersion(values["set-version"]);
    if (values.write) {
      for (const name of ["pipe.yml", "README.md"]) writeFileSync(join(pipeDir, name), render.withGenerated(name, read(name)));
    }
    const found = problems(render);
    if (found.length > 0) throw new Error(found.join("\n  "));
    const version = changelogVersion(read("CHANGELOG.md"));
    if (values.out) {
      const out = resolve(values.out);
      assemble(out, version, { build: !values["no-build"] });
      console.log(`✔ pipe ${version} assembled in ${out}: docker build -t ${IMAGE}:${version} ${out}`);
    } else {
      console.log(`✔ pipe metadata agrees with pipe/catalog.ts; version ${version}`);
    }
  } catch (err) {
    console.error(`✖ ${err.message}`);
    process.exit(1);
  }
}
