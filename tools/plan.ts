import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { ColossusError } from '../config/errors';
import { parseTarget } from '../config/target';
import { PLAN_DIR, PLAN_INDEX, type PlanIndex } from './review/plan-json';
import { currentCommit, synthHash } from './review/provenance';
import { lastLines, logFiles, planSummary, type RunOptions, type RunResult } from './run';
import { initCacheKey, initInputsOf, restoreInit, saveInit } from './init-cache';
import { readStacks, type SynthesizedStack } from './synth-environment';
import { localStateRoot } from '../stacks/synth-output';
import { PROJECT_ROOT, mapWarmFirst, parseJobs, run, terraformBinary, terraformEnv, terraformSetup } from './terraform';

/**
 * `npm run plan -- [env] [stacks…]`: synthesize (offline target unless --target says
 * otherwise), then terraform init, plan -out and show -json for each stack, two at a time.
 * Plan JSON goes to <outdir>/plans/<stack>.json with an index.json of the run, and each
 * Terraform step's output to <outdir>/logs/<stack>/<step>.stdout and .stderr. With
 * --target aws and real credentials, the same command plans against real state.
 */

interface Options {
  target: string;
  /** false with --no-lock: a read-only role cannot write the lock object. */
  lock: boolean;
  out?: string;
  synthesized?: string;
  jobs: string;
  validate?: boolean;
}

/** Its own folder: an offline plan's synth must not replace the environment's output (cdktf.out/<env>). */
/** Each stack's Terraform output, under the output folder: logs/<stack>/<step>.stdout|stderr. */
export const LOG_DIR = 'logs';

export function defaultOutdir(environment: string): string {
  return join(PROJECT_ROOT, `cdktf.out.plan-${environment}`);
}

/**
 * Synthesizes the environment, or only the named stacks and the stacks they read (the gates
 * need those): a plan of one stack does not pay for the whole environment's synth.
 */
async function synthesize(
  environment: string,
  target: string,
  outdir: string,
  stacks: readonly string[],
): Promise<SynthesizedStack[]> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COLOSSUS_ENV: environment,
    COLOSSUS_TARGET: target,
    CDKTF_OUTDIR: outdir,
    COLOSSUS_STACKS: stacks.join(','),
    // The caller reads the output folder, not the summary.
    COLOSSUS_QUIET: '1',
    CHECKPOINT_DISABLE: '1',
  };
  delete env.COLOSSUS_CONFIG;
  // Node with tsx's loader, not the tsx command, which would start a second Node process.
  const result = await run(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'main.ts')], {
    cwd: PROJECT_ROOT,
    env,
  });
  if (result.code !== 0) {
    const lines = (result.stderrTail.trim() || result.stdoutTail.trim()).split('\n');
    const shown = lines.slice(0, 12).join('\n');
    throw new ColossusError(`synth of ${environment} failed`, [
      lines.length > 12 ? `${shown}\n  … ${lines.length - 12} more lines (run npm run synth to see them)` : shown,
    ]);
  }
  return readStacks(outdir);
}

/** A local backend's state path, resolved: real plans must find real state, not a copy's. */
function localStatePath(stack: SynthesizedStack): string | undefined {
  const json = JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { backend?: { local?: { path?: string } } };
  };
  const path = json.terraform?.backend?.local?.path;
  return path === undefined ? undefined : resolve(stack.dir, path);
}

/** Every local state file a stack uses: its own, and each upstream one it reads. */
function localStateFiles(stack: SynthesizedStack): string[] {
  const json = JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { backend?: { local?: { path?: string } } };
    data?: { terraform_remote_state?: Record<string, { backend?: string; config?: { path?: string } }> };
  };
  const paths = [json.terraform?.backend?.local?.path];
  for (const remote of Object.values(json.data?.terraform_remote_state ?? {})) {
    if (remote.backend === 'local') paths.push(remote.config?.path);
  }
  return paths.filter((p): p is string => typeof p === 'string').map((p) => resolve(stack.dir, p));
}

/**
 * Offline plans start from empty state. Terraform refuses to read a remote state file that
 * does not exist, even with defaults, so every state file a stack touches is seeded empty.
 */
function seedEmptyState(stacks: readonly SynthesizedStack[], terraformVersion: string): void {
  // Terraform refuses state written by a newer release, so the seed claims the one running.
  const empty = {
    version: 4,
    terraform_version: terraformVersion,
    serial: 0,
    lineage: 'colossus-offline',
    outputs: {},
    resources: [],
  };
  for (const file of new Set(stacks.flatMap(localStateFiles))) {
    if (existsSync(file)) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(empty, null, 2)}\n`);
  }
}

function pick(stacks: readonly SynthesizedStack[], wanted: readonly string[], environment: string): SynthesizedStack[] {
  if (wanted.length === 0) return [...stacks];
  const names = new Set(stacks.map((s) => s.name));
  const unknown = wanted.filter((w) => !names.has(w));
  if (unknown.length > 0) {
    throw new ColossusError(`unknown stack${unknown.length > 1 ? 's' : ''} in ${environment}`, [
      ...unknown.map((u) => `${u}: not a stack of ${environment}`),
      `stacks are: ${[...names].join(', ')}`,
    ]);
  }
  return stacks.filter((s) => wanted.includes(s.name));
}

interface StackOutcome {
  name: string;
  ok: boolean;
  seconds: number;
  summary?: string;
  error?: string;
}

async function planStack(
  stack: SynthesizedStack,
  plansDir: string,
  logsDir: string,
  env: NodeJS.ProcessEnv,
  offline: boolean,
  validate: boolean,
  initCache?: { readonly root: string; readonly version: string },
  lock = true,
): Promise<StackOutcome> {
  const started = Date.now();
  const tf = terraformBinary();
  // Terraform's output goes to files, never whole into memory: a large stack's is hundreds of MB.
  const logs = join(logsDir, stack.name);
  rmSync(logs, { recursive: true, force: true });
  const step = (name: string, args: string[], options: Partial<RunOptions> = {}) =>
    run(tf, args, { cwd: stack.dir, env, ...logFiles(logs, name), ...options });
  const fail = (name: string, result: RunResult): StackOutcome => {
    const files = [result.stdoutFile, result.stderrFile].filter((f): f is string => f !== undefined && existsSync(f));
    const where = files.map((f) => relative(PROJECT_ROOT, f) || f).join(' and ');
    return {
      name: stack.name,
      ok: false,
      seconds: (Date.now() - started) / 1000,
      error: `terraform ${name} failed: ${lastLines(result, 15)}${where ? `\n(whole output: ${where})` : ''}`,
    };
  };
  // An offline stack planned again (same backend, providers, Terraform and CLI config) takes
  // its init from the cache: init spends most of its time checking the provider package.
  const key = offline && initCache ? initCacheKey(initInputsOf(stack.dir, initCache.version, env)) : undefined;
  if (key && initCache && restoreInit(initCache.root, key, stack.dir)) {
    mkdirSync(logs, { recursive: true });
    writeFileSync(
      join(logs, 'init.stdout'),
      `terraform init not run: its result was restored from ${initCache.root}/${key}\n`,
    );
  } else {
    const init = await step('init', ['init', '-input=false', '-no-color']);
    if (init.code !== 0) return fail('init', init);
    if (key && initCache) saveInit(initCache.root, key, stack.dir);
  }
  // `terraform validate` in the folder init prepared: what `npm run validate` checks, without a
  // second synth and init (CI validates prod this way).
  if (validate) {
    const checked = await step('validate', ['validate', '-no-color']);
    if (checked.code !== 0) return fail('validate', checked);
  }
  // Offline state is empty and private to this run: there is nothing to lock or refresh.
  const planArgs = [
    'plan',
    '-input=false',
    '-no-color',
    '-out=plan.bin',
    ...(offline ? ['-lock=false', '-refresh=false'] : lock ? ['-lock-timeout=5m'] : ['-lock=false']),
  ];
  let summary: string | undefined;
  const plan = await step('plan', planArgs, {
    onLine: (line, stream) => {
      if (stream === 'stdout') summary ??= planSummary(line);
    },
  });
  if (plan.code !== 0) return fail('plan', plan);
  // Streamed straight into the plan file, written aside so a failed show leaves no half plan.
  const planFile = join(plansDir, `${stack.name}.json`);
  const partial = `${planFile}.partial`;
  const show = await step('show', ['show', '-json', '-no-color', 'plan.bin'], { stdout: partial });
  if (show.code !== 0) {
    rmSync(partial, { force: true });
    return fail('show', { ...show, stdoutTail: '' });
  }
  renameSync(partial, planFile);
  return { name: stack.name, ok: true, seconds: (Date.now() - started) / 1000, ...(summary ? { summary } : {}) };
}

async function main(): Promise<void> {
  const program = new Command()
    .name('plan')
    .description('Synthesize an environment and terraform plan each stack, writing plan JSON into the synth output')
    .argument('[environment]', 'environment under config/environments/', 'dev')
    .argument('[stacks...]', 'stacks to plan (default: every stack)')
    .option('--target <target>', 'aws (real state and credentials), offline or emulator', 'offline')
    .option('--out <dir>', 'synth output folder (default: cdktf.out.plan-<environment>)')
    .option(
      '--synthesized <dir>',
      'plan an existing synth output instead of synthesizing (CI that already synthesized)',
    )
    .option('-j, --jobs <n>', 'stacks planned at once', '2')
    .option('--validate', 'also terraform validate each stack, after init and before plan')
    .option('--no-lock', 'plan without taking the state lock (-lock=false): what a read-only plan role needs')
    .parse();
  const [environment = 'dev', ...wanted] = program.args;
  const opts = program.opts<Options>();
  const target = parseTarget(opts.target, process.env.COLOSSUS_EMULATOR_ENDPOINT);
  const jobs = parseJobs(opts.jobs);
  const outdir = resolve(opts.synthesized ?? opts.out ?? defaultOutdir(environment));
  const env = terraformEnv();
  const setup = await terraformSetup(env);
  console.log(`plan ${environment} (target ${target.kind}) into ${relative(PROJECT_ROOT, outdir) || outdir}`);
  console.log(setup.description);

  const t0 = Date.now();
  const synthesized = opts.synthesized
    ? readStacks(outdir)
    : await synthesize(environment, target.kind, outdir, wanted);
  const stacks = pick(synthesized, wanted, environment);
  // Hashed before terraform touches the folder: the review checks plans against it.
  const provenance = { commit: currentCommit(PROJECT_ROOT), synthHash: synthHash(outdir) };
  console.log(
    `synthesized in ${((Date.now() - t0) / 1000).toFixed(1)} s; planning ${stacks.length} stacks, ${jobs} at a time`,
  );
  if (target.kind !== 'offline') {
    for (const stack of stacks) {
      const state = localStatePath(stack);
      const stateRoot = localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR);
      if (state && (isAbsolute(relative(stateRoot, state)) || relative(stateRoot, state).startsWith('..'))) {
        throw new ColossusError('local state would not be found', [
          `${stack.name}: its state path resolves to ${state}, outside ${stateRoot}; use --out with a folder directly in the project root`,
        ]);
      }
    }
  }
  if (target.kind === 'offline') seedEmptyState(synthesized, setup.version);
  const plansDir = join(outdir, PLAN_DIR);
  const logsDir = join(outdir, LOG_DIR);
  rmSync(plansDir, { recursive: true, force: true });
  mkdirSync(plansDir, { recursive: true });

  let done = 0;
  const outcomes = await mapWarmFirst(stacks, jobs, async (stack) => {
    const outcome = await planStack(
      stack,
      plansDir,
      logsDir,
      env,
      target.kind === 'offline',
      opts.validate === true,
      {
        root: process.env.COLOSSUS_INIT_CACHE ?? join(PROJECT_ROOT, '.cache', 'terraform', 'init'),
        version: setup.version,
      },
      opts.lock,
    );
    done += 1;
    const what = outcome.ok ? (outcome.summary ?? 'planned') : 'FAILED';
    console.log(
      `  [${done}/${stacks.length}] ${outcome.ok ? 'ok  ' : 'FAIL'} ${stack.name}: ${what} (${outcome.seconds.toFixed(1)} s)`,
    );
    return outcome;
  });
  const index: PlanIndex = {
    environment,
    target: target.kind,
    ...provenance,
    stacks: outcomes.map((o) => ({
      name: o.name,
      ok: o.ok,
      seconds: Math.round(o.seconds * 10) / 10,
      ...(o.ok ? { file: `${o.name}.json` } : {}),
      ...(o.error ? { error: o.error } : {}),
    })),
  };
  writeFileSync(join(plansDir, PLAN_INDEX), `${JSON.stringify(index, null, 2)}\n`);
  const failed = outcomes.filter((o) => !o.ok);
  for (const f of failed) console.error(`\n${f.name}: ${f.error}`);
  console.log(
    `planned ${outcomes.length - failed.length} of ${outcomes.length} stacks in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
      `plan JSON in ${relative(PROJECT_ROOT, plansDir) || plansDir}, Terraform's output in ${relative(PROJECT_ROOT, logsDir) || logsDir}; review with: npm run review -- --plan ${relative(PROJECT_ROOT, outdir) || outdir}`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (!(error instanceof ColossusError)) {
    console.error(error);
  } else {
    console.error(`plan: ${error.message}`);
  }
  process.exitCode = 1;
});
