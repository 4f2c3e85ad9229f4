// Preloaded into a synth run by the benchmark: each process (the synth and its workers, which
// inherit the preload) appends its peak RSS to the report on exit.
const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  const target = process.env.COLOSSUS_BENCH_REPORT;
  if (target)
    appendFileSync(target, `${JSON.stringify({ pid: process.pid, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
