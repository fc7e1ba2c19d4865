/**
 * Preloaded with `node -r` into a measured process: at exit it reports the peak resident memory,
 * which no portable tool outside the process can read for a short-lived command.
 */
process.on('exit', () => {
  process.stderr.write(`\npeak-rss-kib ${process.resourceUsage().maxRSS}\n`);
});
