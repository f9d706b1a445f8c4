// Runs the bundled Lambda the way the nodejs22.x runtime does: require the file once (one container), then
// call `handler(event)` for each event, in order. Events come as a JSON array on stdin. Each result is
// written to stdout as one line `result: <json>`; the first throw is written to stderr as
// `error: <name>: <message>` and the process exits 1 (what an async invoke counts as a failure to retry).
// Usage: node run-handler.cjs <bundle.js> < events.json
"use strict";
const bundle = process.argv[2];
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const { handler } = require(bundle);
  if (typeof handler !== "function") {
    process.stderr.write(`error: TypeError: ${bundle} does not export a handler function\n`);
    process.exit(2);
  }
  for (const event of JSON.parse(input)) {
    try {
      const result = await handler(event);
      process.stdout.write(`result: ${JSON.stringify(result)}\n`);
    } catch (err) {
      process.stderr.write(`error: ${err && err.name}: ${err && err.message}\n`);
      process.exit(1);
    }
  }
});
