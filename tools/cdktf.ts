import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { ColossusError } from '../config/errors';
import { loadConfig } from '../config/load';
import { defaultOutdir } from '../stacks/synth-output';
import { PROJECT_ROOT, terraformBinary, terraformEnv } from './terraform';

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

/**
 * The cdktf CLI's arguments with the environment's own output folder added: cdktf.json names one
 * folder for every environment, so without this a switch of COLOSSUS_ENV would point the CLI at
 * another environment's output. An --output the caller gives wins.
 */
export function withOutput(args: readonly string[], outdir: string): string[] {
  const command = args.find((a) => !a.startsWith('-'));
  const given = args.some((a) => a === '--output' || a === '-o' || a.startsWith('--output=') || a.startsWith('-o='));
  if (!command || !RUNS_THE_APP.has(command) || given) return [...args];
  return [...args, '--output', outdir];
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
  const outdir = relative(PROJECT_ROOT, defaultOutdir(PROJECT_ROOT, environment));
  const result = spawnSync(cli, withOutput(args, outdir), { cwd: PROJECT_ROOT, env, stdio: 'inherit' });
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
