import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ColossusError } from '../config/errors';
import { PROJECT_ROOT, terraformBinary, terraformEnv } from './terraform';

/** The cdktf CLI, with the project's Terraform CLI config and checkpoint calls disabled. */
try {
  const env = terraformEnv();
  // cdktf runs the Terraform named by TERRAFORM_BINARY_NAME; keep it the one the other tools run.
  env.TERRAFORM_BINARY_NAME = terraformBinary(env);
  const cli = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf');
  const result = spawnSync(cli, process.argv.slice(2), { cwd: PROJECT_ROOT, env, stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  console.error(`cdktf: ${error.message}`);
  process.exitCode = 1;
}
