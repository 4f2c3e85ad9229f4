import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { ColossusError } from '../config/errors';
import { loadConfig } from '../config/load';
import { defaultOutdir, selectedOutdir } from '../stacks/synth-output';
import { PROJECT_ROOT, providerSource, terraformBinary, terraformEnv } from './terraform';

/**
 * The cdktf commands whose named stacks are synthesized alone (with the stacks they read). Not
 * destroy: it checks that no stack left in the app still depends on what it destroys, so it
 * needs the whole environment.
 */
const SYNTHESIZES_NAMED = new Set(['diff', 'plan', 'deploy', 'apply']);

/** cdktf options that take a value as the next argument (the rest are switches). */
const TAKES_VALUE = new Set([
  '--app',
  '-a',
  '--output',
  '-o',
  '--parallelism',
  '--terraform-parallelism',
  '--var',
  '--var-file',
  '--outputs-file',
  '--log-level',
]);

/**
 * The stacks a diff or deploy names, for a synth of only those (COLOSSUS_STACKS). None when
 * the command is another, or when a name is a pattern (cdktf matches patterns against the
 * synthesized stacks, so every stack must be there). With --skip-synth the named stacks are read
 * from the folder the last diff or deploy of named stacks wrote.
 */
export function namedStacks(args: readonly string[]): string[] {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (TAKES_VALUE.has(arg)) i++;
      continue;
    }
    positional.push(arg);
  }
  const [command, ...stacks] = positional;
  if (!command || !SYNTHESIZES_NAMED.has(command)) return [];
  if (stacks.some((s) => /[*?[\]{}!]/.test(s))) return [];
  return stacks;
}

/** The cdktf commands that run the app and read its output folder (`--output`). */
const RUNS_THE_APP = new Set([
  'synth',
  'synthesize',
  'list',
  'diff',
  'plan',
  'deploy',
  'apply',
  'destroy',
  'output',
  'outputs',
  'watch',
]);

/** The cdktf commands that run `terraform providers lock` unless told not to. */
const LOCKS_PROVIDERS = new Set(['diff', 'plan', 'deploy', 'apply', 'destroy', 'output', 'outputs']);

export interface CliDefaults {
  /** The environment's own output folder. */
  readonly outdir: string;
  /** Terraform installs the provider from a local mirror, so cdktf's lock step cannot reach the registry. */
  readonly localMirror: boolean;
}

/**
 * The cdktf CLI's arguments with the project's defaults added: the environment's own output
 * folder (cdktf.json names one folder for every environment, so without it a switch of
 * COLOSSUS_ENV would point the CLI at another environment's output), and, with a local provider
 * mirror, --skip-provider-lock. What the caller gives wins.
 */
export function withDefaults(args: readonly string[], defaults: CliDefaults): string[] {
  const command = args.find((a) => !a.startsWith('-'));
  if (!command || !RUNS_THE_APP.has(command)) return [...args];
  const has = (...flags: string[]) => args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
  const out = [...args];
  if (!has('--output', '-o')) out.push('--output', defaults.outdir);
  if (defaults.localMirror && LOCKS_PROVIDERS.has(command) && !has('--skip-provider-lock')) {
    out.push('--skip-provider-lock');
  }
  return out;
}

/** The cdktf CLI, with the project's Terraform CLI config and checkpoint calls disabled. */
function main(): void {
  const args = process.argv.slice(2);
  const environment = loadConfig({ environment: process.env.COLOSSUS_ENV, file: process.env.COLOSSUS_CONFIG })
    .environment.name;
  const env = terraformEnv();
  // cdktf runs the Terraform named by TERRAFORM_BINARY_NAME; keep it the one the other tools run.
  env.TERRAFORM_BINARY_NAME = terraformBinary(env);
  const cli = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf');
  // A diff or deploy of named stacks synthesizes only those and the stacks they read, into a
  // folder of its own: the environment's folder keeps the whole environment.
  const stacks = namedStacks(args);
  if (stacks.length > 0) env.COLOSSUS_STACKS = stacks.join(',');
  else delete env.COLOSSUS_STACKS;
  const outdir = relative(
    PROJECT_ROOT,
    stacks.length > 0 ? selectedOutdir(PROJECT_ROOT, environment) : defaultOutdir(PROJECT_ROOT, environment),
  );
  const localMirror = providerSource(process.env).kind === 'mirror';
  const result = spawnSync(cli, withDefaults(args, { outdir, localMirror }), {
    cwd: PROJECT_ROOT,
    env,
    stdio: 'inherit',
  });
  process.exitCode = result.status ?? 1;
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof ColossusError)) throw error;
    console.error(`cdktf: ${error.message}`);
    process.exitCode = 1;
  }
}
