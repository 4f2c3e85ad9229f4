import { rmSync } from 'node:fs';
import { leftovers, RUN_TEMP_ENV } from './temp-folder';

/** Fails the run when a test left anything in the temp folder; removes the run's folder either way. */
export default function globalTeardown(): void {
  const runTemp = process.env[RUN_TEMP_ENV];
  if (!runTemp) return;
  const left = leftovers(runTemp);
  rmSync(runTemp, { recursive: true, force: true });
  delete process.env.TMPDIR;
  if (left.length > 0) {
    throw new Error(
      `tests left ${left.length} item(s) in the temp folder (by test file folder): ${left.slice(0, 20).join(', ')}; ` +
        'each test must delete what it creates (afterAll/afterEach)',
    );
  }
}
