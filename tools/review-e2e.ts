import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadConfig, parseConfig } from '../config/load';
import { planStacks } from '../stacks/sharding';
import { localStateRoot } from '../stacks/synth-output';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { installEmulator, startEmulator, MOTO_VERSION } from './emulator';
import { reviewFromPlanAgainstBase, reviewFromSynth } from './review/build';
import { renderMarkdown } from './review/markdown';
import { logFiles, run, type RunOptions, type RunResult } from './run';
import { PROJECT_ROOT, terraformEnv } from './terraform';

/**
 * `npm run test:review-e2e`: reviews of real changes against deployed state. Deploys the base
 * of the emulator environment (plus a second, spare-only hall) to a local moto server once;
 * then for each scenario of the plan-review issue synthesizes the changed head, plans every
 * affected stack against the deployed state (`npm run plan -- --target emulator`), reviews
 * the plans with the block changes of the synth diff, and checks that the review's first
 * screen names the dangerous change. Prints each first screen and the time it took.
 */

const ENVIRONMENT = 'emulator';
const BASE_DIR = join(PROJECT_ROOT, 'cdktf.out.review-e2e-base');
const WORK = join(PROJECT_ROOT, '.cache', 'review-e2e');

type Edit = [path: (string | number)[], value: unknown];
const c = (...rest: (string | number)[]) => ['clusters', 0, ...rest];
const baseConfig = loadConfig({ environment: ENVIRONMENT });
const hallA = baseConfig.clusters[0]!.halls[0]!;
const hallB = { id: 'hall-b', availabilityZone: 'us-east-1b', scalableUnits: 1, fabricCidr: '10.1.1.0/24' };
const halls = (list: object[], ids: string[]): Edit[] => [
  [c('halls'), list],
  [c('power', 'feeds', 0, 'halls'), ids],
  [c('power', 'feeds', 1, 'halls'), ids],
  [c('power', 'feeds', 0, 'capacityMw'), 0.4],
  [c('power', 'feeds', 1, 'capacityMw'), 0.4],
  [c('cooling', 'cduCapacityKw'), 400],
];
/** The deployed base: the emulator environment with a spare-only hall-b, so one can be removed. */
const BASE: Edit[] = halls([hallA, hallB], ['hall-a', 'hall-b']);

export interface Scenario {
  readonly name: string;
  readonly edits: Edit[];
  /** What the first screen (first 15 lines) must say. */
  readonly expect: RegExp;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'insert-tenant',
    edits: [
      [
        c('tenants'),
        [
          {
            id: 'lab-new',
            displayName: 'New lab',
            cidr: '10.5.0.0/20',
            allocations: [{ hall: 'hall-a', firstUnit: 1, scalableUnits: 1 }],
            contractedGpus: 16,
            dataClassification: 'restricted',
          },
          baseConfig.clusters[0]!.tenants[0]!,
        ],
      ],
    ],
    expect:
      /capacity move: colossus-1 \/ hall-a \/ `su-001` moves from the spare pool to tenant `lab-new` \(restricted\)/,
  },
  {
    name: 'tenant-cidr',
    edits: [[c('tenants', 0, 'cidr'), '10.5.0.0/20']],
    expect: /blocked replacement: `aws_subnet\./,
  },
  {
    name: 'backend-key-prefix',
    edits: [[['environment', 'backend', 'keyPrefix'], 'colossus-infra/emulator-v2']],
    expect: /state migration: the backend of `emulator-colossus-1-/,
  },
  {
    name: 'default-tags',
    edits: [[['environment', 'tags', 'cost-center'], 'colossus-emulator-2']],
    expect: /provider default tags of `emulator-colossus-1-\S+` change/,
  },
  {
    name: 'add-sus',
    edits: [[c('halls', 0, 'scalableUnits'), 3]],
    expect: /\*\*Capacity:\*\* the spare pool gains 1 scalable unit/,
  },
  {
    name: 'remove-hall',
    edits: halls([hallA], ['hall-a']),
    expect:
      /stack removed: `emulator-colossus-1-compute-hall-b` leaves the app, and `cdktf deploy` does not destroy it: its [1-9]\d* resources stay in AWS/,
  },
];

function configText(edits: Edit[]): string {
  const doc = parseDocument(readFileSync(join(PROJECT_ROOT, 'config', 'environments', `${ENVIRONMENT}.yaml`), 'utf8'));
  // As YAML nodes, so a later edit can reach inside an earlier one (halls, then a hall's SUs).
  for (const [path, value] of [...BASE, ...edits]) doc.setIn(path, doc.createNode(value));
  return doc.toString();
}

/** Each command's whole output, one file per stream: only tails are kept in memory. */
const LOG_DIR = join(WORK, 'logs');
let commands = 0;

function logged(command: string, args: readonly string[], options: Omit<RunOptions, 'stdout' | 'stderr'>) {
  commands += 1;
  const name = `${String(commands).padStart(2, '0')}-${basename(args[0] ?? command)}`;
  return run(command, args, { ...options, ...logFiles(LOG_DIR, name) });
}

function check(result: RunResult, what: string): void {
  if (result.code !== 0) {
    const end = `${result.stdoutTail}\n${result.stderrTail}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${what} failed (exit ${result.code}; whole output in ${result.stdoutFile ?? LOG_DIR}):\n${end}`);
  }
}

/** The environment every command of the review runs with: the emulator, and no real AWS credentials. */
function emulatorEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...terraformEnv(),
    COLOSSUS_TARGET: 'emulator',
    COLOSSUS_EMULATOR_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'emulator',
    AWS_SECRET_ACCESS_KEY: 'emulator',
    AWS_PROFILE: '',
    AWS_SESSION_TOKEN: '',
  };
}

/** Writes the deployed base's environment file (the emulator environment plus a spare-only hall-b); returns its path. */
export function writeBaseConfig(): string {
  // A run starts from nothing: the scenario files and logs of an earlier one go.
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const baseFile = join(WORK, 'base.yaml');
  writeFileSync(baseFile, configText([]));
  return baseFile;
}

/** Scenario names given on the command line, checked against the known ones. */
export function selectedScenarios(only: readonly string[]): Scenario[] {
  const unknown = only.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown scenarios ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name));
}

/**
 * Reviews each scenario against the base deployed in the emulator at `endpoint` from the synth
 * output `baseDir` (written from writeBaseConfig's file). Returns the failures; figures get
 * each scenario's time.
 */
export async function reviewScenarios(
  endpoint: string,
  baseDir: string,
  scenarios: readonly Scenario[],
  figures: string[],
): Promise<string[]> {
  const failures: string[] = [];
  const env = emulatorEnv(endpoint);
  const tsx = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  for (const scenario of scenarios) {
    const t0 = Date.now();
    const file = join(WORK, `${scenario.name}.yaml`);
    writeFileSync(file, configText(scenario.edits));
    const head = join(PROJECT_ROOT, `cdktf.out.review-e2e-${scenario.name}`);
    rmSync(head, { recursive: true, force: true });
    check(
      await logged(tsx, ['main.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...env, COLOSSUS_CONFIG: file, CDKTF_OUTDIR: head },
      }),
      `synth of ${scenario.name}`,
    );
    // Affected stacks: those whose synth changes, and those that read a changed export.
    const predicted = reviewFromSynth(baseDir, head);
    const affected = new Set(
      predicted.changeSet.stacks
        .filter(
          (s) => s.status === 'added' || s.changes.some((ch) => ch.action !== 'no-op') || (s.blocks ?? []).length > 0,
        )
        .map((s) => s.name),
    );
    for (const b of predicted.blast ?? []) for (const r of b.readers) affected.add(r.stack);
    affected.delete(bootstrapStackName(ENVIRONMENT));
    const removed = predicted.changeSet.stacks.filter((s) => s.status === 'removed').map((s) => s.name);
    const planned = [...affected].filter((s) => !removed.includes(s));
    const plan = await logged(
      tsx,
      ['tools/plan.ts', ENVIRONMENT, ...planned, '--target', 'emulator', '--synthesized', head],
      { cwd: PROJECT_ROOT, env },
    );
    // A failed stack plan is part of the review (it says so); anything else is an error.
    if (plan.code !== 0 && !plan.stdoutTail.includes('planned ')) check(plan, `plan of ${scenario.name}`);
    const review = reviewFromPlanAgainstBase(head, head, baseDir);
    const markdown = renderMarkdown(review);
    const screen = markdown.split('\n').slice(0, 15).join('\n');
    const seconds = (Date.now() - t0) / 1000;
    figures.push(
      `${scenario.name}: ${seconds.toFixed(0)} s (synth, plan of ${planned.length} stacks, review)${removed.length ? `; removed stacks ${removed.join(', ')} come from the synth diff` : ''}`,
    );
    console.log(`\n=== ${scenario.name} (${seconds.toFixed(0)} s; planned ${planned.join(', ') || 'nothing'})`);
    console.log(screen);
    if (!scenario.expect.test(screen)) {
      failures.push(`${scenario.name}: the first screen does not match ${scenario.expect}`);
    }
  }
  return failures;
}

/** Deploys the base to a fresh emulator of its own, then reviews the scenarios (`npm run test:review-e2e -- [scenario...]`). */
async function main(): Promise<void> {
  const figures: string[] = [];
  const failures: string[] = [];
  // `npm run test:review-e2e -- <scenario>...` runs only those scenarios.
  const scenarios = selectedScenarios(process.argv.slice(2));
  installEmulator((line) => console.log(`  ${line}`));
  const emulator = await startEmulator();
  console.log(`review e2e: moto ${MOTO_VERSION} at ${emulator.endpoint}`);
  const env = emulatorEnv(emulator.endpoint);
  try {
    rmSync(BASE_DIR, { recursive: true, force: true });
    rmSync(join(localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR), ENVIRONMENT), {
      recursive: true,
      force: true,
    });
    const baseFile = writeBaseConfig();
    const cdktf = (args: string[]) =>
      logged(join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'), [...args, '--output', BASE_DIR], {
        cwd: PROJECT_ROOT,
        env: { ...env, COLOSSUS_CONFIG: baseFile },
      });
    const t0 = Date.now();
    const bootstrap = bootstrapStackName(ENVIRONMENT);
    const all = planStacks(parseConfig(readFileSync(baseFile, 'utf8'), baseFile)).map((p) => p.name);
    for (const batch of [[bootstrap], all]) {
      check(
        await cdktf(['deploy', ...batch, '--auto-approve', '--skip-provider-lock', '--parallelism', '2']),
        `deploy ${batch.join(' ')}`,
      );
    }
    figures.push(`deploy of the base: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    failures.push(...(await reviewScenarios(emulator.endpoint, BASE_DIR, scenarios, figures)));
  } finally {
    await emulator.stop();
    rmSync(join(localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR), ENVIRONMENT), {
      recursive: true,
      force: true,
    });
  }
  console.log('\nfigures:');
  for (const f of figures) console.log(`  ${f}`);
  if (failures.length > 0) {
    console.error(`\nreview e2e FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('\nreview e2e passed');
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
