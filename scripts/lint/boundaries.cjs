/**
 * The dependency direction of the house, as lint rules that fail the build:
 *   every part → core/;  core/ → nothing of the project;
 *   lambdas/ and deployer/ → core/ only, never stacks/, cli/ or cdktf;
 *   pipe/ → core/ only;  main.ts and stacks/ → never cli/;
 *   provider classes by deep path only (`@cdktf/provider-aws/lib/s3-bucket`): the barrel costs ~1.4 s and ~450 MB;
 *   no import cycles (rule `fleet/no-cycle` below).
 * CommonJS so that both eslint.config.mjs and the jest test that plants violations can load it.
 */
"use strict";
const { existsSync, readFileSync, statSync } = require("node:fs");
const { dirname, join, relative, resolve } = require("node:path");
const ts = require("typescript");

const PROVIDER_BARREL = {
  name: "@cdktf/provider-aws",
  message: "Import provider classes by deep path, e.g. @cdktf/provider-aws/lib/s3-bucket.",
};
const PROVIDER_LIB_BARREL = { name: "@cdktf/provider-aws/lib", message: PROVIDER_BARREL.message };

/** A relative import that climbs into one of `folders` of the repository root (or `./folder` from main.ts). */
const intoFolders = (folders) => `^(\\./|(\\.\\./)+)(${folders.join("|")})(/|$)`;
const CDKTF = { regex: "^(cdktf|constructs)(/|$)|^@cdktf/", message: "cdktf belongs to stacks/ (and the cli that synthesizes them)." };

function restrict(files, folders, why, extra = []) {
  const patterns = [...(folders.length > 0 ? [{ regex: intoFolders(folders), message: why }] : []), ...extra];
  return { files, rules: { "no-restricted-imports": ["error", { paths: [PROVIDER_BARREL, PROVIDER_LIB_BARREL], patterns }] } };
}

/** Flat-config blocks: later blocks replace the rule's options, so each block carries the provider rule too. */
const boundaryConfigs = [
  restrict(["**/*.ts"], [], ""),
  restrict(["core/**/*.ts"], ["stacks", "cli", "pipe", "deployer", "lambdas", "main", "bench", "scripts", "__tests__"], "core/ imports nothing of the project: move the shared piece into core/.", [CDKTF]),
  restrict(["lambdas/**/*.ts"], ["stacks", "cli", "pipe", "deployer", "main"], "lambdas/ imports core/ only: move the shared piece into core/.", [CDKTF]),
  restrict(["deployer/**/*.ts"], ["stacks", "cli", "pipe", "lambdas", "main"], "deployer/ imports core/ only: move the shared piece into core/.", [CDKTF]),
  restrict(["pipe/**/*.ts"], ["stacks", "cli", "deployer", "lambdas", "main"], "pipe/ imports core/ only: move the shared piece into core/.", [CDKTF]),
  restrict(["stacks/**/*.ts", "main.ts"], ["cli"], "main.ts and stacks/ never import cli/: move the shared piece into core/."),
];

/** Top-level static imports and re-exports of a file (dynamic `import()` and lazy `require` are deliberate cycle breakers). */
function staticSpecifiers(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out = [];
  for (const s of source.statements) {
    if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) out.push(s.moduleSpecifier.text);
    else if (ts.isImportEqualsDeclaration(s) && ts.isExternalModuleReference(s.moduleReference) && ts.isStringLiteral(s.moduleReference.expression)) out.push(s.moduleReference.expression.text);
  }
  return out;
}

function resolveLocal(fromFile, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
    if (candidate.endsWith(".ts") && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Local dependencies of a file on disk, cached by modification time for the length of a lint run. */
const depCache = new Map();
function diskDeps(file) {
  const mtime = statSync(file).mtimeMs;
  const hit = depCache.get(file);
  if (hit && hit.mtime === mtime) return hit.deps;
  const deps = staticSpecifiers(file, readFileSync(file, "utf8")).map((s) => resolveLocal(file, s)).filter(Boolean);
  depCache.set(file, { mtime, deps });
  return deps;
}

/** The shortest chain of imports from `start` back to `target`, or undefined. */
function pathBack(start, target) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === target) {
      const chain = [];
      for (let f = file; f !== undefined; f = previous.get(f)) chain.unshift(f);
      return chain;
    }
    for (const dep of diskDeps(file)) {
      if (!previous.has(dep)) {
        previous.set(dep, file);
        queue.push(dep);
      }
    }
  }
  return undefined;
}

const noCycle = {
  meta: {
    type: "problem",
    docs: { description: "Forbid import cycles between the project's modules (type-only imports count: they tie the modules together too)." },
    schema: [],
    messages: { cycle: "import cycle: {{chain}}. Move what both need into a module both import." },
  },
  create(context) {
    const file = resolve(context.filename);
    const root = context.cwd;
    const check = (node) => {
      if (!node.source || typeof node.source.value !== "string") return;
      const dep = resolveLocal(file, node.source.value);
      if (dep === undefined || dep === file) return;
      const chain = pathBack(dep, file);
      if (chain) context.report({ node, messageId: "cycle", data: { chain: [file, ...chain].map((f) => relative(root, f)).join(" → ") } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

const fleetPlugin = { meta: { name: "fleet" }, rules: { "no-cycle": noCycle } };

module.exports = { boundaryConfigs, fleetPlugin, staticSpecifiers };
