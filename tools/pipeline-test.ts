import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { localStateRoot } from '../stacks/synth-output';
import { installEmulator, MOTO_VERSION, startEmulator, VENV_DIR, type Emulator } from './emulator';
import type { PipelinePlan } from './pipeline/matrix';
import { captureSync, lastLines, logFiles, run, type RunResult } from './run';
import { PROJECT_ROOT, terraformBinary, terraformEnv } from './terraform';

/**
 * `npm run test:pipeline`: the delivery pipeline's own commands, in the order the workflows run
 * them, against a local moto server (tools/emulator.ts), on the smallest part of the emulator
 * environment that has two deploy waves (its bootstrap, network and tenancy stacks):
 *   a. synthesize and print the graph and its waves (`pipeline graph`);
 *   (setup) deploy that base with terraform apply, the bootstrap first, in wave order;
 *   b. synthesize a head with one config change and compute the stacks it reaches
 *      (`pipeline changed`);
 *   c. plan each of them in its own folder, as the pull-request jobs do, without the lock
 *      (`plan --no-lock`), merge the plans and compose the comment;
 *   d. apply wave by wave, as the deploy jobs do: plan, `pipeline gate`, `pipeline apply`;
 *   e. change a resource behind Terraform's back through the emulator's EC2 API and find it
 *      with the nightly drift check (one plan run of every stack, `pipeline drift`);
 *   f. deploy again and find no drift.
 * Prints each phase's wall time. Each failure names the step and shows the end of its output.
 */
const ENVIRONMENT = 'emulator';
const STACKS = [
  bootstrapStackName(ENVIRONMENT),
  `${ENVIRONMENT}-colossus-1-network`,
  `${ENVIRONMENT}-colossus-1-tenancy`,
];
const OUT = join(PROJECT_ROOT, 'cdktf.out.pipeline-test');
const LOG_DIR = join(PROJECT_ROOT, '.cache', 'pipeline-test', 'logs');
/** The head's change: a config edit the network and the tenancy stacks both carry (their flow-log groups). */
const HEAD_EDIT: [path: string[], value: number] = [['environment', 'logRetentionDays'], 180];

class PipelineTestFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new PipelineTestFailure(message);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const timings: [string, number][] = [];
  const phase = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    console.log(`\n${label}`);
    const start = Date.now();
    const result = await work();
    timings.push([label, Date.now() - start]);
    console.log(`  (${seconds(Date.now() - start)})`);
    return result;
  };
  const total = Date.now();
  const emulator = await phase('0. start the emulator', async () => {
    installEmulator((line) => console.log(`  ${line}`));
    const started = await startEmulator();
    console.log(`  moto ${MOTO_VERSION} at ${started.endpoint}`);
    return started;
  });
  try {
    await scenario(emulator, phase);
  } finally {
    await emulator.stop();
    // The bootstrap's local state describes an emulator that is gone now.
    rmSync(join(localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR), ENVIRONMENT), {
      recursive: true,
      force: true,
    });
  }
  console.log('\npipeline test passed');
  for (const [label, ms] of timings) console.log(`  ${seconds(ms).padStart(8)}  ${label}`);
  console.log(`  ${seconds(Date.now() - total).padStart(8)}  total`);
}

type Phase = <T>(label: string, work: () => Promise<T>) => Promise<T>;

async function scenario(emulator: Emulator, phase: Phase): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...terraformEnv(),
    COLOSSUS_TARGET: 'emulator',
    COLOSSUS_EMULATOR_ENDPOINT: emulator.endpoint,
    // Nothing here may reach real AWS, whatever the caller's shell holds.
    AWS_ACCESS_KEY_ID: 'emulator',
    AWS_SECRET_ACCESS_KEY: 'emulator',
    AWS_PROFILE: '',
    AWS_SESSION_TOKEN: '',
  };
  delete env.COLOSSUS_ENV;
  delete env.COLOSSUS_CONFIG;
  rmSync(OUT, { recursive: true, force: true });
  rmSync(LOG_DIR, { recursive: true, force: true });
  rmSync(join(localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR), ENVIRONMENT), {
    recursive: true,
    force: true,
  });
  mkdirSync(OUT, { recursive: true });

  let steps = 0;
  /** A project command (tsx script) as the workflows run it; whole output to a log file, the tail kept. */
  const tool = async (script: string, args: string[], what: string, extraEnv: NodeJS.ProcessEnv = {}) => {
    steps += 1;
    const result = await run(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, script), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...env, ...extraEnv },
      ...logFiles(LOG_DIR, `${String(steps).padStart(3, '0')}-${what.replace(/[^a-z0-9-]+/gi, '-')}`),
    });
    check(result.code === 0, `${what} failed (exit ${result.code}):\n${excerpt(result)}\n  (whole output: ${LOG_DIR})`);
    return result;
  };
  const terraform = async (synthDir: string, stack: string, args: string[]) => {
    steps += 1;
    const result = await run(terraformBinary(env), args, {
      cwd: join(synthDir, 'stacks', stack),
      env: { ...env, TF_IN_AUTOMATION: '1' },
      ...logFiles(LOG_DIR, `${String(steps).padStart(3, '0')}-${stack}-${args[0]!}`),
    });
    check(
      result.code === 0,
      `terraform ${args[0]!} of ${stack} failed (exit ${result.code}):\n${excerpt(result)}\n  (whole output: ${LOG_DIR})`,
    );
  };
  const pipeline = (args: string[], what: string) => tool('tools/pipeline.ts', args, what);
  const synth = (dir: string, configFile?: string) =>
    tool('main.ts', [], `synth ${dir}`, {
      CDKTF_OUTDIR: dir,
      COLOSSUS_STACKS: STACKS.join(','),
      COLOSSUS_QUIET: '1',
      ...(configFile ? { COLOSSUS_CONFIG: configFile } : { COLOSSUS_ENV: ENVIRONMENT }),
    });
  const plan = (synthDir: string, stack: string, lock: boolean) =>
    tool(
      'tools/plan.ts',
      [ENVIRONMENT, stack, '--synthesized', synthDir, '--target', 'emulator', ...(lock ? [] : ['--no-lock'])],
      `plan ${stack}`,
    );
  /** The deploy workflow's jobs: for each wave in order, each stack planned on this commit, gated, applied. */
  const applyWaves = async (synthDir: string, selected: PipelinePlan) => {
    for (const wave of selected.waves) {
      for (const stack of wave.stacks) {
        await plan(synthDir, stack, true);
        await pipeline(['gate', '--plans', synthDir, '--synth', synthDir], `gate ${stack}`);
        await pipeline(['apply', '--synth', synthDir, stack], `apply ${stack}`);
      }
      console.log(`  wave ${wave.wave}: applied ${wave.stacks.join(', ')}`);
    }
  };
  const json = async (args: string[], what: string): Promise<PipelinePlan> => {
    const file = join(OUT, `${what.replace(/\s+/g, '-')}.json`);
    await pipeline([...args, '--json', '--out', file], what);
    return JSON.parse(readFileSync(file, 'utf8')) as PipelinePlan;
  };
  /** The nightly drift workflow: one plan run of every pipeline stack without the lock, then the issue body. */
  const driftCheck = async (synthDir: string, stacks: readonly string[], name: string) => {
    await tool(
      'tools/plan.ts',
      [ENVIRONMENT, ...stacks, '--synthesized', synthDir, '--target', 'emulator', '--no-lock'],
      `drift plans (${name})`,
    );
    const outputs = join(OUT, `${name}.outputs`);
    rmSync(outputs, { force: true });
    await pipeline(
      ['drift', '--plans', synthDir, '--synth', synthDir, '--out', join(OUT, `${name}.md`), '--github-output', outputs],
      `drift (${name})`,
    );
    const values = Object.fromEntries(
      readFileSync(outputs, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { open: values.open === 'true', drifted: (values.drifted ?? '').split(' ').filter(Boolean) };
  };

  // a. The graph and waves.
  const base = join(OUT, 'base');
  const graph = await phase('a. synthesize the base; the graph and its waves (pipeline graph)', async () => {
    await synth(base);
    const text = await pipeline(['graph', base], 'pipeline graph');
    console.log(indent(text.stdoutTail.trim()));
    return json(['graph', base], 'graph');
  });
  const pipelineWaves = graph.waves.filter((w) => w.stacks.length > 0);
  check(
    pipelineWaves.length >= 2,
    `the graph has ${pipelineWaves.length} pipeline wave(s); the test needs two to apply wave by wave`,
  );
  check(
    graph.manual.some((m) => m.stack === STACKS[0]),
    `${STACKS[0]} keeps local state and must be applied by hand, but the graph does not say so`,
  );

  // The base, deployed as setup (it is not what the test proves): terraform apply of each stack,
  // the bootstrap first, in wave order, without the pipeline's plan-then-apply round trip.
  await phase('   setup: deploy the base (terraform apply of each stack, in wave order)', async () => {
    for (const stack of [STACKS[0]!, ...graph.waves.flatMap((w) => w.stacks)]) {
      for (const args of [
        ['init', '-input=false', '-no-color'],
        ['apply', '-auto-approve', '-input=false', '-no-color'],
      ])
        await terraform(base, stack, args);
      console.log(`  ${stack}: applied`);
    }
  });

  // b. A head change and the stacks it reaches.
  const head = join(OUT, 'head');
  const changed = await phase(
    `b. synthesize a head (${HEAD_EDIT[0].join('.')}: ${HEAD_EDIT[1]}); the changed stacks (pipeline changed)`,
    async () => {
      const doc = parseDocument(
        readFileSync(join(PROJECT_ROOT, 'config', 'environments', `${ENVIRONMENT}.yaml`), 'utf8'),
      );
      check(
        doc.getIn(HEAD_EDIT[0]) !== HEAD_EDIT[1],
        `the head edit changes nothing: ${HEAD_EDIT[0].join('.')} is already ${HEAD_EDIT[1]}`,
      );
      doc.setIn(HEAD_EDIT[0], HEAD_EDIT[1]);
      const file = join(OUT, 'head.yaml');
      writeFileSync(file, doc.toString());
      await synth(head, file);
      const text = await pipeline(['changed', '--base', base, '--head', head], 'pipeline changed');
      console.log(indent(text.stdoutTail.trim()));
      return json(['changed', '--base', base, '--head', head], 'changed');
    },
  );
  const expected = STACKS.slice(1);
  check(
    JSON.stringify(changed.stacks.map((s) => s.stack).sort()) === JSON.stringify([...expected].sort()),
    `the head change should reach ${expected.join(', ')}; pipeline changed selected ${changed.stacks.map((s) => s.stack).join(', ') || 'nothing'}`,
  );
  check(changed.waves.length >= 2, `the changed stacks span ${changed.waves.length} wave(s), not two`);
  check(changed.count === changed.matrix.include.length, 'the plan matrix does not hold one job per changed stack');

  // c. One plan per changed stack, each in its own copy of the head (one job each), then the comment.
  await phase('c. one plan per changed stack, without the lock (the pull-request jobs), and the comment', async () => {
    // The jobs run side by side, as a job matrix does; each in its own copy of the head.
    const jobs = changed.matrix.include.map(({ stack }) => ({ stack, dir: join(OUT, `pr-job-${stack}`) }));
    for (const job of jobs) {
      rmSync(job.dir, { recursive: true, force: true });
      cpSync(head, job.dir, { recursive: true });
    }
    const planned = await Promise.all(jobs.map((job) => plan(job.dir, job.stack, false)));
    for (const result of planned) {
      const summary = result.stdoutTail.split('\n').find((l) => /\[1\/1\]/.test(l));
      console.log(`  ${(summary ?? lastLines(result, 1)).trim()}`);
    }
    const merged = join(OUT, 'pr-plans');
    rmSync(merged, { recursive: true, force: true });
    await pipeline(['merge-plans', '--into', merged, ...jobs.map((j) => j.dir)], 'merge-plans');
    const comment = join(OUT, 'comment.md');
    await pipeline(['comment', '--plans', merged, '--head', head, '--base', base, '--out', comment], 'comment');
    const body = readFileSync(comment, 'utf8');
    const missing = expected.filter((s) => !body.includes(s));
    check(missing.length === 0, `the comment does not mention ${missing.join(', ')} (${comment})`);
    console.log(`  comment: ${body.length} characters, names ${expected.join(' and ')}`);
  });

  // d. Apply wave by wave.
  await phase('d. apply the head wave by wave (plan, gate, apply per stack)', () => applyWaves(head, changed));

  // e. Drift made through the AWS API, found by the drift check.
  const pipelineStacks = graph.stacks.map((s) => s.stack);
  const found = await phase('e. change a tenant VPC behind Terraform’s back; the drift check finds it', async () => {
    const vpc = tamper(emulator.endpoint);
    console.log(`  ${vpc}: tag data-classification set to public through the EC2 API`);
    const drift = await driftCheck(head, pipelineStacks, 'drift-1');
    check(
      drift.open && drift.drifted.includes(STACKS[2]!),
      `the drift check missed the change to ${vpc}: open=${drift.open}, drifted=${drift.drifted.join(' ') || 'none'} (${join(OUT, 'drift-1.md')})`,
    );
    const body = readFileSync(join(OUT, 'drift-1.md'), 'utf8');
    check(/aws_vpc\./.test(body), `the drift issue body does not name the VPC (${join(OUT, 'drift-1.md')})`);
    console.log(`  drift: open, ${drift.drifted.join(', ')}`);
    return drift;
  });

  // f. A deploy puts it back; the drift check finds nothing.
  await phase('f. deploy again; the drift check finds none', async () => {
    // The drifted stacks, by wave, as a deploy of the default branch would apply them.
    const waves = changed.waves
      .map((w) => ({ wave: w.wave, stacks: w.stacks.filter((s) => found.drifted.includes(s)) }))
      .filter((w) => w.stacks.length > 0);
    await applyWaves(head, { ...changed, waves });
    const drift = await driftCheck(head, pipelineStacks, 'drift-2');
    check(
      !drift.open,
      `drift remains after the deploy: ${drift.drifted.join(', ') || 'plans failed'} (${join(OUT, 'drift-2.md')})`,
    );
    console.log('  drift: none');
  });
}

/** Sets a tenant VPC's data-classification tag through the emulator's EC2 API (boto3 of moto's venv); returns its id. */
function tamper(endpoint: string): string {
  const script = [
    'import sys, boto3',
    "ec2 = boto3.client('ec2', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='emulator', aws_secret_access_key='emulator')",
    "vpcs = [v for v in ec2.describe_vpcs()['Vpcs'] if any(t['Key'] == 'tenant' for t in v.get('Tags', []))]",
    "if len(vpcs) != 1: sys.exit('expected one tenant VPC in the emulator, found %d' % len(vpcs))",
    "ec2.create_tags(Resources=[vpcs[0]['VpcId']], Tags=[{'Key': 'data-classification', 'Value': 'public'}])",
    "print(vpcs[0]['VpcId'])",
  ].join('\n');
  const python = join(VENV_DIR, 'bin', 'python');
  check(existsSync(python), `no Python in the emulator's venv (${python})`);
  const result = captureSync(python, ['-c', script, endpoint], { maxBytes: 64 * 1024 });
  check(
    result.code === 0,
    `changing the VPC through the EC2 API failed: ${result.stderrTail.trim().split('\n').slice(-3).join(' ')}`,
  );
  return result.stdout.trim();
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The error lines of a failed command (else its last lines), without terminal colours. */
function excerpt(result: RunResult): string {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const all = `${result.stdoutTail}\n${result.stderrTail}`.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split('\n');
  const errors = all.flatMap((line, i) => (/Error|error:|FAIL/.test(line) ? all.slice(i, i + 6) : []));
  return indent((errors.length ? errors.slice(0, 40) : all.filter(Boolean).slice(-15)).join('\n'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`\npipeline test FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
