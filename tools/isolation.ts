import { resolve } from 'node:path';
import { Command } from 'commander';
import { ColossusError } from '../config/errors';
import { loadConfig } from '../config/load';
import { envOutdir } from './synth-environment';
import {
  formatLeak,
  formatMatrix,
  formatUnproven,
  proveIsolation,
  readSynthesizedStacks,
  verdict,
} from '../policy/isolation';

/**
 * `npm run isolation -- <synth output dir>`: the tenant x tenant matrix (isolated, the leaking
 * layers, or cannot prove); exit 0 only when every pair is proved isolated on every layer.
 */
function main(): void {
  const program = new Command()
    .name('isolation')
    .description('Prove from synthesized Terraform that no tenant can reach another')
    .argument('[outdir]', 'cdktf synth output folder (holds manifest.json)', envOutdir())
    .option('--env <name>', 'environment whose isolation.allowedSharedServices apply (config/environments/<name>.yaml)')
    .option('--config <file>', 'environment file whose isolation.allowedSharedServices apply')
    .parse();
  const opts = program.opts<{ env?: string; config?: string }>();
  const config = opts.env || opts.config ? loadConfig({ environment: opts.env, file: opts.config }) : undefined;
  const outdir = resolve(program.args[0] ?? envOutdir());
  const stacks = readSynthesizedStacks(outdir);
  const report = proveIsolation(stacks, { allowedSharedServices: config?.isolation?.allowedSharedServices });
  console.log(`tenant isolation over ${stacks.size} stacks in ${outdir}`);
  console.log('rows: where a packet or request starts; columns: where it would arrive\n');
  process.stdout.write(formatMatrix(report));
  const result = verdict(report);
  if (result === 'isolated') {
    console.log(`\nisolated: no path joins any two of ${report.tenants.length} tenants`);
    return;
  }
  if (report.leaks.length > 0) {
    console.log(`\n${report.leaks.length} leaking path(s):`);
    for (const leak of report.leaks) console.log(`  - ${formatLeak(leak)}`);
  }
  if (report.unproven.length > 0) {
    console.log(`\ncannot prove (${report.unproven.length}):`);
    for (const u of report.unproven) console.log(`  - ${formatUnproven(u)}`);
  }
  if (report.findings.length > 0) {
    console.log(`\nfindings (${report.findings.length}):`);
    for (const f of report.findings) console.log(`  - ${f.tenant} [${f.layer}] ${f.address}: ${f.problem}`);
  }
  process.exitCode = 1;
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`isolation: ${error.message}\n`);
  process.exitCode = 2;
}
