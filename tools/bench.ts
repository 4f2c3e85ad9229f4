import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { readStacks } from './synth-environment';
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
      encoding: 'utf8',
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`synth of ${environment} failed:\n${result.stderr}`);
  const { maxRssKiB } = JSON.parse(readFileSync(report, 'utf8')) as { maxRssKiB: number };
  return { seconds, peakMiB: maxRssKiB / 1024 };
}

function countResources(file: string): number {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

const program = new Command()
  .name('bench')
  .description('Synthesize each environment and print wall time, peak memory and stack sizes (medians)')
  .argument('[environments...]', 'environments', ['dev', 'staging', 'prod'])
  .option('-r, --runs <n>', 'synth runs per environment; medians are reported', '3')
  .option('--stacks', 'also print the resource count of every stack')
  .parse();
const environments = program.args.length > 0 ? program.args : ['dev', 'staging', 'prod'];
const { runs, stacks: perStack } = program.opts<{ runs: string; stacks?: boolean }>();

const work = mkdtempSync(join(tmpdir(), 'colossus-bench-'));
try {
  const rows: string[][] = [];
  for (const environment of environments) {
    const outdir = join(work, environment);
    const results = Array.from({ length: Number(runs) }, () => synthOnce(environment, outdir));
    const sizes = readStacks(outdir).map((s) => ({
      name: s.name,
      resources: countResources(join(s.dir, 'cdk.tf.json')),
    }));
    const largest = sizes.reduce((a, b) => (b.resources > a.resources ? b : a));
    rows.push([
      environment,
      `${median(results.map((r) => r.seconds)).toFixed(2)} s`,
      `${median(results.map((r) => r.peakMiB)).toFixed(0)} MiB`,
      String(sizes.length),
      String(sizes.reduce((sum, s) => sum + s.resources, 0)),
      `${largest.resources} (${largest.name})`,
    ]);
    if (perStack) for (const s of sizes) console.log(`  ${environment} ${s.name}: ${s.resources}`);
  }
  const header = ['environment', 'synth (median)', 'peak RSS (median)', 'stacks', 'resources', 'largest stack'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`runs per environment: ${runs}, cores: ${availableParallelism()}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
} finally {
  rmSync(work, { recursive: true, force: true });
}
