import { resolve } from 'node:path';
import { Command } from 'commander';
import { ColossusError } from '../config/errors';
import { envOutdir } from './synth-environment';
import { readSynthesizedStacks } from '../policy/isolation';
import { evaluateLimits, largestPerLimit, measureStacks } from '../policy/cloudwatch-limits/check';
import { CLOUDWATCH_LIMITS, citation, type LimitId } from '../policy/cloudwatch-limits/limits';

/**
 * `npm run limits -- [<synth output dir>]`: every CloudWatch alarm, composite and dashboard of a
 * synthesized environment against CloudWatch's documented limits: the counts, the largest figure
 * per limit (and whose), and each figure over a limit or that cannot be measured (exit 1).
 */
function main(): void {
  const program = new Command()
    .name('limits')
    .description("Measure a synthesized environment's alarms and dashboards against CloudWatch's limits")
    .argument('[outdir]', 'cdktf synth output folder (holds manifest.json)', envOutdir())
    .parse();
  const outdir = resolve(program.args[0] ?? envOutdir());
  const stacks = readSynthesizedStacks(outdir);
  const count = (type: string) =>
    [...stacks.values()].reduce((sum, json) => sum + Object.keys(json.resource?.[type] ?? {}).length, 0);
  const model = measureStacks(stacks);
  const largest = largestPerLimit(model);
  console.log(`CloudWatch limits over ${stacks.size} stacks in ${outdir}`);
  console.log(
    `metric alarms ${count('aws_cloudwatch_metric_alarm')}, composite alarms ${count('aws_cloudwatch_composite_alarm')}, dashboards ${count('aws_cloudwatch_dashboard')}\n`,
  );
  console.log('| limit | largest | allowed | where | source |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const id of Object.keys(CLOUDWATCH_LIMITS) as LimitId[]) {
    const m = largest[id];
    const limit = CLOUDWATCH_LIMITS[id];
    console.log(
      `| ${limit.what} (per ${limit.per}) | ${m ? m.value : '-'} | ${limit.max} | ${m ? m.name : 'none measured'} | ${citation(id)} |`,
    );
  }
  const problems = evaluateLimits(model);
  if (problems.length === 0) {
    console.log('\nwithin every limit');
    return;
  }
  console.log(`\n${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p}`);
  process.exitCode = 1;
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`limits: ${error.message}\n`);
  process.exitCode = 2;
}
