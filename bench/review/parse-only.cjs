// Baseline: what any review must do at least, read and JSON.parse every plan file.
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");
const dir = process.argv[2];
let n = 0;
for (const f of readdirSync(dir)) if (f.endsWith(".json")) n += Object.keys(JSON.parse(readFileSync(join(dir, f), "utf8"))).length;
process.stdout.write(`${n}\n`);
