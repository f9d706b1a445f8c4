#!/usr/bin/env node
// Launcher for `npx fleet`: runs the built CLI, building it first when it is missing or older than
// the sources, so that a checkout never runs stale code.
"use strict";
const { existsSync, statSync, readdirSync } = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");

const root = join(__dirname, "..");
const entry = join(root, "dist", "cli", "index.js");

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(entry)) return true;
  if (!existsSync(join(root, "scripts", "build.mjs"))) return false; // packaged copy: no sources
  const built = statSync(entry).mtimeMs;
  const dirs = ["core", "cli", "stacks", "lambdas", "deployer", "pipe"].map((d) => join(root, d)).filter(existsSync);
  return dirs.some((d) => newestSource(d) > built) || statSync(join(root, "main.ts")).mtimeMs > built;
}

if (stale()) {
  const r = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
require(entry);
