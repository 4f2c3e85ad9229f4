import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_TEMP_ENV } from './temp-folder';

/**
 * Gives the run a temp folder of its own: workers (and the processes tests start) inherit it
 * as TMPDIR, so what tests leave is told apart from other processes' files in the system
 * temp folder, and global-teardown.ts can fail the run on it.
 */
export default function globalSetup(): void {
  const runTemp = mkdtempSync(join(tmpdir(), 'colossus-jest-'));
  process.env[RUN_TEMP_ENV] = runTemp;
  // Workers start after this and inherit it: os.tmpdir() reads TMPDIR on every call.
  process.env.TMPDIR = runTemp;
}
