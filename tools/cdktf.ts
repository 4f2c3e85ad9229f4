import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, terraformEnv } from './terraform';

/** The cdktf CLI, with the project's Terraform CLI config and checkpoint calls disabled. */
const cli = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf');
const result = spawnSync(cli, process.argv.slice(2), { cwd: PROJECT_ROOT, env: terraformEnv(), stdio: 'inherit' });
process.exitCode = result.status ?? 1;
