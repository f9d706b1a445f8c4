// Preloaded with `node -r` into each measured process: prints its peak RSS on exit, so that every run
// is a fresh process and the number covers everything it did (startup included). CPU time (user +
// system) is reported too: on a loaded machine it varies much less than wall time.
process.on("exit", () => {
  const u = process.resourceUsage();
  process.stderr.write(`\n__MAXRSS_KB__=${u.maxRSS}\n__CPU_US__=${u.userCPUTime + u.systemCPUTime}\n`);
});
