import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../config/load';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { planStacks } from '../stacks/sharding';
import { defaultOutdir, dropSynthFolder, localStateRoot, selectedOutdir } from '../stacks/synth-output';
import { installEmulator, MOTO_VERSION, startEmulator } from './emulator';
import { logFiles, run, type RunResult } from './run';
import { PROJECT_ROOT } from './terraform';

/**
 * The platform engineer's path (`npm run test:cli`): runs the real cdktf CLI through
 * `npm run cdktf`, switching environments dev -> staging -> prod -> dev with `list` and `synth`,
 * drops a stack from an environment between two runs, and runs `diff` and `deploy` of one stack
 * of the emulator environment against a local moto server, with a dev command in between. Every
 * command must pass, and each environment's output must stay in its own folder, untouched by the
 * others. Prints the time of each step.
 */

class CliTestFailure extends Error {}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new CliTestFailure(message);
}

// eslint-disable-next-line no-control-regex -- strips terminal colours and cursor movement
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** The last lines of a command's output, without the CLI's spinner frames. */
function tail(result: RunResult, lines = 30): string {
  return plain(`${result.stdoutTail}\n${result.stderrTail}`)
    .split('\n')
    .filter((l) => l.trim() && !/^[⠁-⣿]\s/.test(l.trim()))
    .slice(-lines)
    .join('\n');
}

/** Each command's whole output, one file per stream: only tails are kept in memory. */
const LOG_DIR = join(PROJECT_ROOT, '.cache', 'cli-test');
/** Enough of a command's end for every check here (a prod `cdktf list` is a few KiB). */
const KEPT_BYTES = 1024 * 1024;
let commands = 0;

/** Runs one command with its output logged; `sawEnoent` tells if any line said ENOENT. */
async function logged(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<RunResult & { sawEnoent: boolean }> {
  commands += 1;
  let sawEnoent = false;
  const name = `${String(commands).padStart(2, '0')}-${args.filter((a) => !a.startsWith('-')).join('-')}`;
  const result = await run(command, args, {
    cwd: PROJECT_ROOT,
    env,
    ...logFiles(LOG_DIR, name.slice(0, 80)),
    tailBytes: KEPT_BYTES,
    onLine: (line) => (sawEnoent ||= line.includes('ENOENT')),
  });
  return { ...result, sawEnoent };
}

/** `npm run cdktf -- <args>` as an engineer types it, with `env` on top of this process's. */
function npmCdktf(args: readonly string[], env: NodeJS.ProcessEnv) {
  return logged('npm', ['run', '--silent', 'cdktf', '--', ...args], {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    ...env,
  });
}

const outdir = (environment: string) => defaultOutdir(PROJECT_ROOT, environment);
const shown = (path: string) => relative(PROJECT_ROOT, path);

function manifestStacks(environment: string): string[] {
  const manifest = JSON.parse(readFileSync(join(outdir(environment), 'manifest.json'), 'utf8')) as {
    stacks: Record<string, unknown>;
  };
  return Object.keys(manifest.stacks).sort();
}

/** A fingerprint of an output's manifest and stack files: equal means nobody replaced it. */
function fingerprint(environment: string): string {
  const dir = outdir(environment);
  const hash = createHash('sha256').update(readFileSync(join(dir, 'manifest.json')));
  for (const stack of manifestStacks(environment)) {
    hash.update(readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json')));
  }
  return hash.digest('hex');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  rmSync(LOG_DIR, { recursive: true, force: true });
  const figures: string[] = [];
  const started = Date.now();
  const expected = (environment: string) =>
    planStacks(loadConfig({ environment }))
      .map((p) => p.name)
      .sort();

  /** Runs one CLI command, checks it passed without an ENOENT, and times it. */
  const step = async (label: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> => {
    const t0 = Date.now();
    const result = await npmCdktf(args, env);
    const took = Date.now() - t0;
    figures.push(`${label}: ${seconds(took)}`);
    console.log(`  ${label}: exit ${result.code} (${seconds(took)})`);
    const output = plain(`${result.stdoutTail}\n${result.stderrTail}`);
    const logs = `(whole output: ${shown(LOG_DIR)})`;
    expect(result.code === 0, `${label} failed (exit ${result.code}) ${logs}:\n${tail(result)}`);
    expect(!result.sawEnoent, `${label} printed ENOENT ${logs}:\n${tail(result)}`);
    return output;
  };
  /**
   * The stacks `cdktf list` printed in the environment's own output. The CLI wraps its table at
   * 80 columns when not on a terminal, so names are matched on what fits in their column.
   */
  const listed = (output: string, environment: string) => {
    const stacks = expected(environment);
    const rel = shown(outdir(environment));
    const missing = stacks.filter((s) => !output.includes(s.slice(0, 31)));
    expect(missing.length === 0, `cdktf list (${environment}) did not list ${missing.join(', ')}:\n${output}`);
    expect(output.includes(`${rel}/stacks/`), `cdktf list (${environment}) did not show ${rel}/stacks/:\n${output}`);
    expect(
      JSON.stringify(manifestStacks(environment)) === JSON.stringify(stacks),
      `${rel}/manifest.json does not hold the ${environment} stacks`,
    );
  };

  console.log('1. switching environments: dev -> staging -> prod -> dev');
  listed(await step('dev: cdktf list', ['list']), 'dev');
  const dev = fingerprint('dev');
  listed(await step('staging: cdktf list', ['list'], { COLOSSUS_ENV: 'staging' }), 'staging');
  expect(fingerprint('dev') === dev, 'the staging synth replaced the dev output');
  const staging = fingerprint('staging');
  const prodOutput = await step('prod: cdktf synth', ['synth'], { COLOSSUS_ENV: 'prod' });
  expect(prodOutput.includes('synth prod (target aws): synthesized into cdktf.out/prod'), 'no synth summary for prod');
  expect(
    JSON.stringify(manifestStacks('prod')) === JSON.stringify(expected('prod')),
    'cdktf.out/prod does not hold the prod stacks',
  );
  expect(fingerprint('dev') === dev && fingerprint('staging') === staging, 'the prod synth replaced another output');
  listed(await step('dev: cdktf list', ['list']), 'dev');
  await step('dev: cdktf synth', ['synth']);
  expect(fingerprint('dev') === dev, 'a dev synth of the same config changed the dev output');
  expect(fingerprint('staging') === staging, 'a dev synth replaced the staging output');
  // cdktf.json names dev's folder: the CLI run directly for another environment is refused.
  const direct = await logged(join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'), ['list'], {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    COLOSSUS_ENV: 'staging',
  });
  expect(
    direct.code !== 0 &&
      plain(`${direct.stdoutTail}\n${direct.stderrTail}`).includes("is environment dev's output folder"),
    `npx cdktf list with COLOSSUS_ENV=staging did not refuse dev's folder:\n${tail(direct)}`,
  );
  expect(fingerprint('dev') === dev, "a refused synth changed dev's output");

  console.log('2. a stack dropped from an environment between two runs');
  const work = mkdtempSync(join(tmpdir(), 'colossus-cli-test-'));
  try {
    const config = parse(readFileSync(join(PROJECT_ROOT, 'config', 'environments', 'dev.yaml'), 'utf8')) as {
      clusters: unknown[];
    };
    config.clusters = config.clusters.slice(0, 1);
    const smaller = join(work, 'dev-one-cluster.yaml');
    writeFileSync(smaller, stringify(config));
    await step('dev without colossus-2: cdktf list', ['list'], { COLOSSUS_CONFIG: smaller });
    const left = readdirSync(join(outdir('dev'), 'stacks')).filter((s) => s.includes('colossus-2'));
    expect(left.length === 0, `the dropped stacks are still in cdktf.out/dev/stacks: ${left.join(', ')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  console.log(`3. diff and deploy against the emulator (moto ${MOTO_VERSION})`);
  installEmulator((line) => console.log(`  ${line}`));
  const emulator = await startEmulator();
  const environment = 'emulator';
  // A fresh emulator knows nothing of earlier runs: their local bootstrap state must go too.
  const state = join(localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR), environment);
  rmSync(state, { recursive: true, force: true });
  dropSynthFolder(outdir(environment));
  // A diff or deploy of named stacks synthesizes only those, into a folder of their own.
  const selected = selectedOutdir(PROJECT_ROOT, environment);
  dropSynthFolder(selected);
  try {
    const env: NodeJS.ProcessEnv = {
      COLOSSUS_ENV: environment,
      COLOSSUS_TARGET: 'emulator',
      COLOSSUS_EMULATOR_ENDPOINT: emulator.endpoint,
      // Nothing here may reach real AWS, whatever the caller's shell holds.
      AWS_ACCESS_KEY_ID: 'emulator',
      AWS_SECRET_ACCESS_KEY: 'emulator',
      AWS_PROFILE: '',
      AWS_SESSION_TOKEN: '',
    };
    const network = planStacks(loadConfig({ environment })).find((p) => p.layer === 'network')!.name;
    // As the README has them: npm run cdktf adds --skip-provider-lock with the local mirror.
    const deploy = ['--auto-approve'];
    const bootstrap = bootstrapStackName(environment);
    await step(`emulator: cdktf deploy ${bootstrap}`, ['deploy', bootstrap, ...deploy], env);
    // Back to the whole dev environment, between two emulator commands: its dropped stacks return.
    listed(await step('dev, whole again: cdktf list (between emulator commands)', ['list']), 'dev');
    const planned = await step(`emulator: cdktf diff ${network}`, ['diff', network], env);
    expect(
      /Plan: \d+ to add, 0 to change, 0 to destroy/.test(planned),
      `diff of ${network} planned no creates:\n${planned.slice(-2000)}`,
    );
    // Its upstream (the bootstrap stack) is deployed: README, "Deploying one hall".
    await step(
      `emulator: cdktf deploy ${network}`,
      ['deploy', network, ...deploy, '--ignore-missing-stack-dependencies'],
      env,
    );
    // The deploy just synthesized this same config: the last diff reads that output.
    const again = await step(
      `emulator: cdktf diff ${network} --skip-synth (after deploy)`,
      ['diff', network, '--skip-synth'],
      env,
    );
    expect(again.includes('No changes.'), `diff of ${network} after its deploy is not empty:\n${again.slice(-2000)}`);
    const manifest = join(selected, 'manifest.json');
    expect(existsSync(manifest), `${relative(PROJECT_ROOT, selected)} does not hold the named stacks' synth`);
    const synthesized = Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { stacks: object }).stacks);
    // The network stack reads no other stack: a synth of it alone holds it alone.
    expect(
      synthesized.join() === network,
      `the deploy of ${network} synthesized ${synthesized.join(', ')}, not that stack alone`,
    );
    expect(
      fingerprint('dev') === dev && fingerprint('staging') === staging,
      'an emulator command replaced another output',
    );
  } finally {
    await emulator.stop();
    // The emulator's resources died with it: so does the state that pointed at them.
    rmSync(state, { recursive: true, force: true });
  }

  console.log(`\ncdktf CLI path test passed in ${seconds(Date.now() - started)}`);
  for (const f of figures) console.log(`  ${f}`);
}

main().catch((error: unknown) => {
  console.error(`\ncdktf CLI path test FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
