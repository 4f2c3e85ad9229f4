import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { format, resolveConfig } from 'prettier';
import { ColossusError } from '../config/errors';
import { loadConfig } from '../config/load';
import { planStacks } from '../stacks/sharding';
import { AWS_PROVIDER, PROJECT_ROOT, run, terraformBinary, terraformEnv, terraformSetup } from './terraform';
import { readStacks, synthEnvironment, type SynthesizedStack } from './synth-environment';
import { fitPlanCost, median, variantsOf, type Sample, type StackJson } from './plan-cost-fit';

/**
 * `npm run plan-cost -- [env]`: measures what `terraform plan` from empty state costs, per
 * resource type, and writes the figures to stacks/plan-cost.json, where the sharding plan
 * reads them. Method: synthesize the environment for the offline target; from its stacks, cut
 * variants that hold one resource type each (references to other resources become
 * placeholders), a variant with no resource (the fixed cost), a launch-template variant with
 * one network interface each (the per-interface cost), and the small stacks whole (the default
 * cost of every other type); plan each variant `--runs` times, one at a time, and take medians.
 */

interface Options {
  refit?: string;
  runs: string;
  synthesized?: string;
  write: boolean;
}

const OUT = join(PROJECT_ROOT, 'stacks', 'plan-cost.json');

/** "0m9.210s" (bash `times`) in seconds. */
function bashSeconds(text: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!match) throw new ColossusError('plan-cost', [`cannot read the CPU time "${text}" bash printed`]);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Plans a variant `runs` times; each run's CPU seconds (user + system of terraform and the
 * provider it waits for, from bash's `times`) and wall seconds. The plan step is nearly single
 * threaded (9.9 s CPU in 9.7 s wall here), so CPU seconds are what an idle machine's wall
 * clock shows, and they stay close to that while other work shares the machine.
 */
async function timePlan(dir: string, env: NodeJS.ProcessEnv, runs: number): Promise<{ cpu: number[]; wall: number[] }> {
  const tf = terraformBinary();
  const init = await run(tf, ['init', '-input=false', '-no-color'], { cwd: dir, env });
  if (init.code !== 0) throw new ColossusError(`terraform init failed in ${dir}`, [init.stderrTail.trim()]);
  const cpu: number[] = [];
  const wall: number[] = [];
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=plan.bin'];
  for (let i = 0; i < runs; i += 1) {
    const started = process.hrtime.bigint();
    const plan = await run('bash', ['-c', '"$0" "$@"; code=$?; times >&2; exit $code', tf, ...args], { cwd: dir, env });
    wall.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (plan.code !== 0) {
      throw new ColossusError(`terraform plan failed in ${dir}`, [
        // Terraform quotes the (one-line) JSON config in its errors: keep the messages only.
        (plan.stderrTail || plan.stdoutTail)
          .split('\n')
          .filter((line) => line.length < 400)
          .slice(0, 15)
          .join('\n'),
      ]);
    }
    const children = plan.stderrTail.trim().split('\n').at(-1)?.trim().split(/\s+/) ?? [];
    cpu.push(bashSeconds(children[0] ?? '') + bashSeconds(children[1] ?? ''));
  }
  return { cpu, wall };
}

async function main(): Promise<void> {
  const program = new Command()
    .name('plan-cost')
    .description('Measure terraform plan cost per resource type and write stacks/plan-cost.json')
    .argument('[environment]', 'environment whose stacks are sampled', 'prod')
    .option('--runs <n>', 'plans per variant (the median is kept)', '3')
    .option('--synthesized <dir>', 'sample an existing offline synth output instead of synthesizing')
    .option('--no-write', 'print the figures only')
    .option('--refit <file>', 'fit the samples of an earlier run (a plan-cost.json) again, without planning')
    .parse();
  const [environment = 'prod'] = program.args;
  const opts = program.opts<Options>();
  if (opts.refit) {
    const earlier = JSON.parse(readFileSync(resolve(opts.refit), 'utf8')) as Measured & { samples: Sample[] };
    await report({ ...earlier, about: ABOUT, method: METHOD }, earlier.samples, opts.write);
    return;
  }
  const runs = Number(opts.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new ColossusError('plan-cost', [`--runs: ${opts.runs} is not a count`]);

  const env = terraformEnv();
  const setup = await terraformSetup(env);
  const work = join(PROJECT_ROOT, `cdktf.out.plan-cost-${environment}`);
  let stacks: SynthesizedStack[];
  if (opts.synthesized) {
    stacks = readStacks(resolve(opts.synthesized));
  } else {
    process.env.COLOSSUS_TARGET = 'offline';
    console.log(`synthesizing ${environment} (offline target)`);
    stacks = await synthEnvironment(environment, join(work, 'synth'));
  }
  const layers = new Map(planStacks(loadConfig({ environment })).map((p) => [p.name, p.layer]));
  const jsons = stacks.map((s) => ({
    name: s.name,
    layer: layers.get(s.name) ?? 'unknown',
    json: JSON.parse(readFileSync(join(s.dir, 'cdk.tf.json'), 'utf8')) as StackJson,
  }));
  const variants = variantsOf(jsons);
  const variantsDir = join(work, 'variants');
  rmSync(variantsDir, { recursive: true, force: true });
  console.log(`${setup.description}\nplanning ${variants.length} variants ${runs} times each, one at a time`);

  const samples: Sample[] = [];
  for (const variant of variants) {
    const dir = join(variantsDir, variant.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(variant.json));
    const empty = {
      version: 4,
      terraform_version: setup.version,
      serial: 0,
      lineage: 'plan-cost',
      outputs: {},
      resources: [],
    };
    for (const file of variant.seedFiles) writeFileSync(join(dir, file), JSON.stringify(empty));
    const { cpu, wall } = await timePlan(dir, env, runs);
    const r2 = (s: number) => Math.round(s * 100) / 100;
    const sample: Sample = { ...variant.sample, seconds: cpu.map(r2), wallSeconds: wall.map(r2) };
    samples.push(sample);
    console.log(
      `  ${variant.name.padEnd(48)} ${String(variant.sample.resources).padStart(4)} resources  median ${median(cpu).toFixed(2)} s CPU (${sample.seconds.join(', ')}), ${median(wall).toFixed(2)} s wall`,
    );
  }
  const measured: Measured = {
    about: ABOUT,
    measuredAt: new Date().toISOString().slice(0, 10),
    terraform: setup.version,
    provider: `${AWS_PROVIDER.source} ${AWS_PROVIDER.version}`,
    cores: cpus().length,
    environment,
    runs,
    method: METHOD,
  };
  await report(measured, samples, opts.write);
}

const ABOUT =
  'Offline terraform plan cost from empty state, measured by npm run plan-cost (tools/plan-cost.ts) on the machine these fields name (the committed figures: the project machine, 2 cores, shared with other work while it ran; CPU seconds keep load from inflating them much, but they may run above an idle machine); the sharding plan (stacks/sharding.ts) reads it. Re-running it recalibrates, and new figures can move a split hall boundary (docs/operating.md, Splitting a hall).';
const METHOD =
  'median CPU seconds (user + system, terraform and provider; the plan step is nearly single threaded, so this is the wall time of an idle machine) of terraform plan -refresh=false -lock=false -out (plan step only, after init) of variants of the environment synthesized for the offline target, one at a time: one resource type per variant (references to other resources replaced by placeholders; a type with fewer than 40 resources copied up to 40), one resource alone (fixed: Terraform starts no provider that nothing uses), launch templates cut to one network interface (per interface), and the small stacks whole (default per resource of other types, pooled over them); a type weight = (variant - fixed) / resources';

interface Measured {
  about: string;
  measuredAt: string;
  terraform: string;
  provider: string;
  cores: number;
  environment: string;
  runs: number;
  method: string;
}

async function report(measured: Measured, samples: Sample[], write: boolean): Promise<void> {
  const model = fitPlanCost(samples);
  console.log(
    `\nfixed ${model.fixedSeconds.toFixed(2)} s; default ${model.defaultSecondsPerResource.toFixed(4)} s per resource`,
  );
  for (const [type, s] of Object.entries(model.secondsPerResource))
    console.log(`  ${type.padEnd(46)} ${s.toFixed(4)} s`);
  for (const [block, s] of Object.entries(model.secondsPerBlock))
    console.log(`  ${block.padEnd(46)} ${s.toFixed(4)} s per block`);
  const data = {
    ...measured,
    ...model,
    samples,
  };
  if (write) {
    // In the project's style, so that lint passes on a fresh calibration.
    writeFileSync(OUT, await format(JSON.stringify(data), { ...(await resolveConfig(OUT)), filepath: OUT }));
    console.log(`wrote ${relative(PROJECT_ROOT, OUT)}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ColossusError) console.error(`plan-cost: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
});
