import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The folder a test run keeps its temporary files in, under the system temp folder. */
export const RUN_TEMP_ENV = 'COLOSSUS_TEST_TEMP';

/** What tools keep in a temp folder for speed, not data a test left: tsx's compile cache. */
const CACHES = [/^tsx-\d+$/];

/**
 * What is left in a run's temp folder: anything but a test file's own folder (setup.ts makes one
 * per file), and anything in those, which must be empty once the file's tests have cleaned up.
 */
export function leftovers(runTemp: string): string[] {
  if (!existsSync(runTemp)) return [];
  const kept = (name: string) => !CACHES.some((c) => c.test(name));
  return readdirSync(runTemp, { withFileTypes: true })
    .filter((e) => kept(e.name))
    .flatMap((e) =>
      e.isDirectory() && e.name.startsWith(FILE_PREFIX)
        ? readdirSync(join(runTemp, e.name))
            .filter(kept)
            .map((name) => join(e.name, name))
        : [e.name],
    );
}

/** The prefix of each test file's own folder in the run's temp folder. */
export const FILE_PREFIX = 'file-';

/** cdktf's Testing helpers make a cdktf.outdir.* folder per app and never delete it. */
export function removeCdktfOutdirs(temp: string): void {
  if (!existsSync(temp)) return;
  for (const name of readdirSync(temp)) {
    if (name.startsWith('cdktf.outdir.')) rmSync(join(temp, name), { recursive: true, force: true });
  }
}
