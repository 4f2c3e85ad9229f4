import { Command } from 'commander';
import { ColossusError } from '../../config/errors';
import { loadConfig } from '../../config/load';
import { clusterResilience, contractBreaches } from '../../config/resilience';
import { resilienceMarkdown, writeResilienceReports } from './report';

/** `npm run resilience -- prod`: the resilience report of an environment, without a full synth. */
const program = new Command()
  .name('resilience')
  .description('Print (or write) the single-failure resilience report of an environment')
  .argument('[environment]', 'environment under config/environments/', 'dev')
  .option('-o, --out <dir>', 'write <dir>/resilience/<env>-<cluster>.{json,md} instead of printing Markdown')
  .parse();

try {
  const config = loadConfig({ environment: program.args[0] ?? 'dev' });
  const out = program.opts<{ out?: string }>().out;
  if (out) {
    for (const path of writeResilienceReports(config, out)) console.log(`wrote ${path}`);
  } else {
    for (const cluster of config.clusters)
      process.stdout.write(`${resilienceMarkdown(clusterResilience(config, cluster))}\n`);
  }
  const broken = config.clusters.flatMap((c) => contractBreaches(clusterResilience(config, c)));
  if (broken.length > 0) process.exitCode = 1;
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`resilience: ${error.message}\n`);
  process.exitCode = 1;
}
