import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { readStacks } from './synth-environment';
import { fileTail } from './run';
import { PROJECT_ROOT } from './terraform';

interface Run {
  readonly seconds: number;
  readonly peakMiB: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function synthOnce(environment: string, outdir: string): Run {
  const report = join(outdir, '..', `${environment}-peak.json`);
  // The synth's output goes to a file, not into memory; a failure shows its end.
  const log = join(outdir, '..', `${environment}-synth.log`);
  const output = openSync(log, 'w');
  const started = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    ['--require', join(__dirname, 'peak-memory.cjs'), '--import', 'tsx', join(PROJECT_ROOT, 'main.ts')],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        COLOSSUS_ENV: environment,
        CDKTF_OUTDIR: outdir,
        // The figures are the synth's; its summary is not read here.
        COLOSSUS_QUIET: '1',
        COLOSSUS_BENCH_REPORT: report,
        CHECKPOINT_DISABLE: '1',
      },
      stdio: ['ignore', output, output],
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(output);
  if (result.status !== 0) throw new Error(`synth of ${environment} failed:\n${fileTail(log, 40)}`);
  const { maxRssKiB } = JSON.parse(readFileSync(report, 'utf8')) as { maxRssKiB: number };
  return { seconds, peakMiB: maxRssKiB / 1024 };
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
  readonly stacks: number;
  readonly resources: number;
  readonly largestStack: { readonly name: string; readonly resources: number };
  readonly perStack: readonly { readonly name: string; readonly resources: number }[];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function measure(environment: string, runs: number, work: string): EnvironmentFigures {
  const outdir = join(work, environment);
  const results = Array.from({ length: runs }, () => synthOnce(environment, outdir));
  const sizes = readStacks(outdir).map((s) => ({
    name: s.name,
    resources: countResources(join(s.dir, 'cdk.tf.json')),
  }));
  const largest = sizes.reduce((a, b) => (b.resources > a.resources ? b : a));
  const seconds = results.map((r) => round(r.seconds, 3));
  const peaks = results.map((r) => round(r.peakMiB, 1));
  return {
    environment,
    synthSeconds: { median: round(median(seconds), 3), runs: seconds },
    peakRssMiB: { median: round(median(peaks), 1), runs: peaks },
    stacks: sizes.length,
    resources: sizes.reduce((sum, s) => sum + s.resources, 0),
    largestStack: largest,
    perStack: sizes,
  };
}

function table(figures: readonly EnvironmentFigures[]): string[] {
  const header = ['environment', 'synth (median)', 'peak RSS (median)', 'stacks', 'resources', 'largest stack'];
  const rows = figures.map((f) => [
    f.environment,
    `${f.synthSeconds.median.toFixed(2)} s`,
    `${f.peakRssMiB.median.toFixed(0)} MiB`,
    String(f.stacks),
    String(f.resources),
    `${f.largestStack.resources} (${f.largestStack.name})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const program = new Command()
  .name('bench')
  .description('Synthesize each environment and print wall time, peak memory and stack sizes (medians)')
  .argument('[environments...]', 'environments', ['dev', 'staging', 'prod'])
  .option('-r, --runs <n>', 'synth runs per environment; medians are reported', '3')
  .option('--stacks', 'also print the resource count of every stack')
  .option('--json <file>', 'also write the figures as JSON to this file ("-" for standard output)')
  .parse();
const environments = program.args.length > 0 ? program.args : ['dev', 'staging', 'prod'];
const options = program.opts<{ runs: string; stacks?: boolean; json?: string }>();
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1)
  program.error(`--runs must be a whole number of at least 1, not ${options.runs}`);

const work = mkdtempSync(join(tmpdir(), 'colossus-bench-'));
try {
  const started = new Date();
  const figures = environments.map((environment) => measure(environment, runs, work));
  // The machine's load says how far the figures can be trusted: another job's CPU is not ours.
  const load = loadavg().map((l) => round(l, 2));
  const lines = [
    `runs per environment: ${runs}, cores: ${availableParallelism()}, load average (1/5/15 min): ${load.join(' / ')}`,
    ...table(figures),
  ];
  if (options.stacks)
    for (const f of figures) for (const s of f.perStack) lines.push(`  ${f.environment} ${s.name}: ${s.resources}`);
  const json = `${JSON.stringify(
    {
      formatVersion: 1,
      started: started.toISOString(),
      node: process.version,
      cores: availableParallelism(),
      loadAverage: load,
      runsPerEnvironment: runs,
      environments: figures,
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
