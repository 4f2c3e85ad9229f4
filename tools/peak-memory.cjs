// Preloaded into a synth run by the benchmark: reports the process's peak RSS on exit.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const target = process.env.COLOSSUS_BENCH_REPORT;
  if (target) writeFileSync(target, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
});
