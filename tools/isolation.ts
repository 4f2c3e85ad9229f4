import { resolve } from 'node:path';
import { Command } from 'commander';
import { ColossusError } from '../config/errors';
import { envOutdir } from './synth-environment';
import { formatLeak, formatMatrix, proveIsolation, readSynthesizedStacks } from '../policy/isolation';

/** `npm run isolation -- <synth output dir>`: the tenant x tenant matrix; non-zero on any leak. */
function main(): void {
  const program = new Command()
    .name('isolation')
    .description('Prove from synthesized Terraform that no tenant can reach another')
    .argument('[outdir]', 'cdktf synth output folder (holds manifest.json)', envOutdir())
    .parse();
  const outdir = resolve(program.args[0] ?? envOutdir());
  const stacks = readSynthesizedStacks(outdir);
  const report = proveIsolation(stacks);
  console.log(`tenant isolation over ${stacks.size} stacks in ${outdir}`);
  console.log('rows: where a packet starts; columns: where it would arrive\n');
  process.stdout.write(formatMatrix(report));
  if (report.leaks.length === 0) {
    console.log(`\nisolated: no path joins any two of ${report.tenants.length} tenants`);
    return;
  }
  console.log(`\n${report.leaks.length} leaking path(s):`);
  for (const leak of report.leaks) console.log(`  - ${formatLeak(leak)}`);
  process.exitCode = 1;
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`isolation: ${error.message}\n`);
  process.exitCode = 2;
}
