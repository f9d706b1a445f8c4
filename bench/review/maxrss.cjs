// Preloaded with `node -r` into each measured process: prints its peak RSS on exit, so that every run
// is a fresh process and the number covers everything it did (startup included).
process.on("exit", () => {
  process.stderr.write(`\n__MAXRSS_KB__=${process.resourceUsage().maxRSS}\n`);
});
