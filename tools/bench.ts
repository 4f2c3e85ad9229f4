import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config/load';
import { estimatePlanSeconds } from '../stacks/plan-cost';
import { planStacks } from '../stacks/sharding';
import { stackContents } from '../stacks/stack-contents';
import { runRatios, scaledEnvironment } from './bench-environment';
import { fileTail } from './run';
import { readStacks } from './synth-environment';
import { PROJECT_ROOT, terraformBinary, terraformEnv } from './terraform';

/**
 * `npm run bench`: the figures issue 14 set goals for, as medians of repeated runs on this
 * machine. Speed goals live here, not in timed tests: a figure is printed and compared with its
 * goal, and the run says which goals it met.
 */

interface Run {
  readonly seconds: number;
  /** Peak RSS of the synth and any worker processes added up (they run at the same time); threads are in their process's. */
  readonly peakMiB: number;
  /** The largest single process's peak RSS. */
  readonly largestProcessMiB: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** The child's output goes to a file, not into memory; a failure shows the file's end. */
function runQuietly(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, log: string) {
  const output = openSync(log, 'w');
  const started = process.hrtime.bigint();
  let result;
  try {
    result = spawnSync(command, args, { cwd, env, stdio: ['ignore', output, output] });
  } finally {
    closeSync(output);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${[command, ...args].join(' ')} failed (exit ${result.status}):\n${fileTail(log, 40)}`);
  }
  return seconds;
}

interface Source {
  /** What the figures are labelled with. */
  readonly label: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The caller's environment without a config file or stack selection, which would change what is measured. */
function withoutConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.COLOSSUS_CONFIG;
  delete copy.COLOSSUS_STACKS;
  delete copy.COLOSSUS_SYNTH_JOBS;
  return copy;
}

function synthOnce(source: Source, outdir: string): Run {
  const report = join(outdir, '..', `${source.label}-peak.jsonl`);
  rmSync(report, { force: true });
  const seconds = runQuietly(
    process.execPath,
    ['--require', join(__dirname, 'peak-memory.cjs'), '--import', 'tsx', join(PROJECT_ROOT, 'main.ts')],
    {
      ...withoutConfig(process.env),
      ...source.env,
      CDKTF_OUTDIR: outdir,
      // The figures are the synth's; its summary is not read here.
      COLOSSUS_QUIET: '1',
      COLOSSUS_BENCH_REPORT: report,
      CHECKPOINT_DISABLE: '1',
    },
    PROJECT_ROOT,
    `${outdir}.log`,
  );
  const peaks = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { maxRssKiB: number }).maxRssKiB / 1024);
  return { seconds, peakMiB: peaks.reduce((a, b) => a + b, 0), largestProcessMiB: Math.max(...peaks) };
}

function countResources(file: string): number {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

/** One environment's figures: medians over the runs, and every run. */
interface EnvironmentFigures {
  readonly environment: string;
  readonly synthSeconds: { readonly median: number; readonly runs: readonly number[] };
  readonly peakRssMiB: { readonly median: number; readonly runs: readonly number[] };
  readonly largestProcessMiB: number;
  readonly stacks: number;
  readonly resources: number;
  readonly largestStack: { readonly name: string; readonly resources: number };
  readonly perStack: readonly { readonly name: string; readonly resources: number }[];
}

function measure(source: Source, runs: number, work: string): EnvironmentFigures {
  const outdir = join(work, source.label);
  return figuresOf(
    source,
    Array.from({ length: runs }, () => synthOnce(source, outdir)),
    outdir,
  );
}

/**
 * Synthesizes each source once per round, round after round, so a change in the machine's speed
 * during the runs (a third between minutes here: the reference loop) weighs on all of them alike.
 */
function measureInterleaved(sources: readonly Source[], runs: number, work: string): EnvironmentFigures[] {
  const results = sources.map((): Run[] => []);
  for (let i = 0; i < runs; i++)
    sources.forEach((source, j) => results[j]!.push(synthOnce(source, join(work, source.label))));
  return sources.map((source, j) => figuresOf(source, results[j]!, join(work, source.label)));
}

function figuresOf(source: Source, results: readonly Run[], outdir: string): EnvironmentFigures {
  const sizes = readStacks(outdir).map((s) => ({
    name: s.name,
    resources: countResources(join(s.dir, 'cdk.tf.json')),
  }));
  const largest = sizes.reduce((a, b) => (b.resources > a.resources ? b : a));
  const seconds = results.map((r) => round(r.seconds, 3));
  const peaks = results.map((r) => round(r.peakMiB, 1));
  return {
    environment: source.label,
    synthSeconds: { median: round(median(seconds), 3), runs: seconds },
    peakRssMiB: { median: round(median(peaks), 1), runs: peaks },
    largestProcessMiB: round(median(results.map((r) => r.largestProcessMiB)), 1),
    stacks: sizes.length,
    resources: sizes.reduce((sum, s) => sum + s.resources, 0),
    largestStack: largest,
    perStack: sizes,
  };
}

/** One stack planned from empty state: the plan tool end to end, and Terraform's plan step alone. */
interface PlanFigures {
  readonly environment: string;
  readonly stack: string;
  /** What the sharding plan estimated for it (stacks/plan-cost.ts). */
  readonly estimatedSeconds: number;
  readonly endToEndSeconds: { readonly median: number; readonly runs: readonly number[] };
  readonly planStepSeconds: { readonly median: number; readonly runs: readonly number[] };
}

function measurePlan(
  environment: string,
  { name: stack, estimate }: { name: string; estimate: number },
  runs: number,
  work: string,
): PlanFigures {
  const outdir = join(work, `plan-${environment}`);
  const tfEnv = terraformEnv();
  const endToEnd: number[] = [];
  const planStep: number[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(outdir, { recursive: true, force: true });
    // As an engineer runs it after changing config: synth of that stack, init, plan, show -json.
    endToEnd.push(
      runQuietly(
        join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
        [join(PROJECT_ROOT, 'tools', 'plan.ts'), environment, stack, '--out', outdir],
        { ...withoutConfig(process.env), CHECKPOINT_DISABLE: '1' },
        PROJECT_ROOT,
        `${outdir}.log`,
      ),
    );
    // Terraform's plan alone, in the folder the tool initialized.
    const dir = join(outdir, 'stacks', stack);
    if (!existsSync(join(dir, '.terraform'))) throw new Error(`npm run plan left no initialized folder at ${dir}`);
    planStep.push(
      runQuietly(
        terraformBinary(tfEnv),
        ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=bench.plan'],
        tfEnv,
        dir,
        `${outdir}.plan.log`,
      ),
    );
  }
  const r = (values: number[]) => values.map((v) => round(v, 2));
  return {
    environment,
    stack,
    estimatedSeconds: round(estimate, 2),
    endToEndSeconds: { median: round(median(endToEnd), 2), runs: r(endToEnd) },
    planStepSeconds: { median: round(median(planStep), 2), runs: r(planStep) },
  };
}

function align(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function table(figures: readonly EnvironmentFigures[]): string[] {
  return align([
    ['environment', 'synth (median)', 'peak RSS (median, all processes)', 'stacks', 'resources', 'largest stack'],
    ...figures.map((f) => [
      f.environment,
      `${f.synthSeconds.median.toFixed(2)} s`,
      `${f.peakRssMiB.median.toFixed(0)} MiB (largest process ${f.largestProcessMiB.toFixed(0)})`,
      String(f.stacks),
      String(f.resources),
      `${f.largestStack.resources} (${f.largestStack.name})`,
    ]),
  ]);
}

/**
 * The median of three timings of a fixed, allocation-heavy loop (objects and strings, as synth
 * makes): how fast this machine runs such work at the moment. The speed of the shared VM varies
 * by a third from one hour to the next, so two runs' figures compare only beside this one.
 */
function referenceLoopMs(): number {
  const once = (): number => {
    const started = performance.now();
    let kept: object[] = [];
    for (let i = 0; i < 3_000_000; i++) {
      kept.push({ a: i, b: `x${i}`, c: [i] });
      if (kept.length > 500_000) kept = [];
    }
    return performance.now() - started;
  };
  const times = [once(), once(), once()].sort((a, b) => a - b);
  return Math.round(times[1]!);
}

/** A goal of issue 14 and whether the figure meets it. */
interface Goal {
  readonly goal: string;
  readonly figure: string;
  readonly met: boolean;
}

function goals(
  figures: readonly EnvironmentFigures[],
  scaled: EnvironmentFigures | undefined,
  plan: PlanFigures | undefined,
): Goal[] {
  const byName = new Map(figures.map((f) => [f.environment, f]));
  const list: Goal[] = [];
  const prod = byName.get('prod');
  const dev = byName.get('dev');
  if (prod) {
    list.push({
      goal: 'prod synth <= 8 s',
      figure: `${prod.synthSeconds.median.toFixed(2)} s`,
      met: prod.synthSeconds.median <= 8,
    });
    // 0.5 GB read as 512 MiB, counting every process of the synth together.
    list.push({
      goal: 'prod peak memory <= 512 MiB',
      figure: `${prod.peakRssMiB.median.toFixed(0)} MiB`,
      met: prod.peakRssMiB.median <= 512,
    });
  }
  if (dev)
    list.push({
      goal: 'dev synth <= 2 s',
      figure: `${dev.synthSeconds.median.toFixed(2)} s`,
      met: dev.synthSeconds.median <= 2,
    });
  if (prod && scaled) {
    // The median of the run-by-run ratios: each pair ran back to back, at the same machine speed.
    const ratio = median(runRatios(scaled.synthSeconds.runs, prod.synthSeconds.runs));
    list.push({
      goal: `synth linear in SUs: ${scaled.environment} (${scaled.resources} resources) <= 2.1 x prod`,
      figure: `${ratio.toFixed(2)} x (median of ${scaled.synthSeconds.runs.length} back-to-back pairs)`,
      met: ratio <= 2.1,
    });
  }
  if (plan) {
    list.push({
      goal: `npm run plan -- ${plan.environment} <one stack> <= 20 s end to end`,
      figure: `${plan.endToEndSeconds.median.toFixed(1)} s (${plan.stack})`,
      met: plan.endToEndSeconds.median <= 20,
    });
    list.push({
      goal: 'costliest prod stack plans from empty state <= 15 s',
      figure: `${plan.planStepSeconds.median.toFixed(1)} s (${plan.stack})`,
      met: plan.planStepSeconds.median <= 15,
    });
  }
  return list;
}

const program = new Command()
  .name('bench')
  .description(
    'Synthesize each environment and a scaled prod (twice the halls), plan the costliest prod stack, and print medians against the goals',
  )
  .argument('[environments...]', 'environments', ['dev', 'staging', 'prod'])
  .option('-r, --runs <n>', 'runs of each measurement; medians are reported', '3')
  .option('--stacks', 'also print the resource count of every stack')
  .option('--no-scaled', 'skip the scaled environment (the linearity figure)')
  .option('--no-plan', 'skip planning the costliest prod stack')
  .option('--json <file>', 'also write the figures as JSON to this file ("-" for standard output)')
  .parse();
const environments = program.args.length > 0 ? program.args : ['dev', 'staging', 'prod'];
const options = program.opts<{ runs: string; stacks?: boolean; json?: string; scaled: boolean; plan: boolean }>();
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1)
  program.error(`--runs must be a whole number of at least 1, not ${options.runs}`);

const work = mkdtempSync(join(tmpdir(), 'colossus-bench-'));
try {
  const started = new Date();
  const loadBefore = loadavg().map((l) => round(l, 2));
  const speedBefore = referenceLoopMs();
  // Prod and the scaled prod are measured in alternation (measureInterleaved): the linearity
  // figure is a ratio of the two, and the machine's speed drifts between minutes.
  const interleave = environments.includes('prod') && options.scaled;
  const figures = environments
    .filter((environment) => !(interleave && environment === 'prod'))
    .map((environment) => measure({ label: environment, env: { COLOSSUS_ENV: environment } }, runs, work));
  let scaled: EnvironmentFigures | undefined;
  if (interleave) {
    const file = join(work, 'prod-2x.yaml');
    const text = readFileSync(join(PROJECT_ROOT, 'config', 'environments', 'prod.yaml'), 'utf8');
    writeFileSync(file, scaledEnvironment(text, 'prod-2x'));
    const [prodFigures, scaledFigures] = measureInterleaved(
      [
        { label: 'prod', env: { COLOSSUS_ENV: 'prod' } },
        { label: 'prod-2x', env: { COLOSSUS_CONFIG: file } },
      ],
      runs,
      work,
    );
    figures.splice(environments.indexOf('prod'), 0, prodFigures!);
    scaled = scaledFigures;
  }
  const prod = figures.find((f) => f.environment === 'prod');
  // The stack the sharding plan expects to plan longest: the one every other prod stack is under.
  const costliest = () => {
    const config = loadConfig({ environment: 'prod' });
    return planStacks(config)
      .map((p) => ({ name: p.name, estimate: estimatePlanSeconds(stackContents(config, p)) }))
      .reduce((a, b) => (b.estimate > a.estimate ? b : a));
  };
  const plan = prod && options.plan ? measurePlan('prod', costliest(), runs, work) : undefined;
  const met = goals(figures, scaled, plan);
  // The machine's load says how far the figures can be trusted: another job's CPU is not ours.
  const load = loadavg().map((l) => round(l, 2));
  const speedAfter = referenceLoopMs();
  const lines = [
    `runs per measurement: ${runs}, cores: ${availableParallelism()}, load average (1/5/15 min) before: ${loadBefore.join(' / ')}, after: ${load.join(' / ')}`,
    `reference loop (fixed, allocation-heavy; lower is a faster machine): ${speedBefore} ms before, ${speedAfter} ms after`,
    ...table(scaled ? [...figures, scaled] : figures),
  ];
  if (plan) {
    lines.push(
      '',
      ...align([
        ['plan of the costliest prod stack', 'estimated', 'end to end (median)', 'terraform plan alone (median)'],
        [
          plan.stack,
          `${plan.estimatedSeconds.toFixed(1)} s`,
          `${plan.endToEndSeconds.median.toFixed(1)} s`,
          `${plan.planStepSeconds.median.toFixed(1)} s`,
        ],
      ]),
    );
  }
  if (met.length > 0)
    lines.push('', ...align([['goal', 'figure', 'met'], ...met.map((g) => [g.goal, g.figure, g.met ? 'yes' : 'NO'])]));
  if (options.stacks)
    for (const f of figures) for (const s of f.perStack) lines.push(`  ${f.environment} ${s.name}: ${s.resources}`);
  const json = `${JSON.stringify(
    {
      formatVersion: 2,
      started: started.toISOString(),
      node: process.version,
      cores: availableParallelism(),
      loadAverage: { before: loadBefore, after: load },
      referenceLoopMs: { before: speedBefore, after: speedAfter },
      runsPerMeasurement: runs,
      environments: figures,
      ...(scaled ? { scaled } : {}),
      ...(plan ? { plan } : {}),
      goals: met,
    },
    null,
    2,
  )}\n`;
  if (options.json === '-') process.stdout.write(json);
  else {
    console.log(lines.join('\n'));
    if (options.json) {
      writeFileSync(options.json, json);
      console.log(`figures as JSON: ${options.json}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
