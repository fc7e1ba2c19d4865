/**
 * Preloaded with `node -r` into a measured process: at exit it reports the peak resident memory
 * and the CPU time used, which no portable tool outside the process can read for a short-lived
 * command.
 */
process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stderr.write(`\npeak-rss-kib ${usage.maxRSS} cpu-seconds ${cpuSeconds.toFixed(2)}\n`);
});
