import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { skipTokenCreationTraces } from '../stacks/token-traces';
import { FILE_PREFIX, removeCdktfOutdirs, RUN_TEMP_ENV } from './lifecycle/temp-folder';

Testing.setupJest();
skipTokenCreationTraces();

// Each test file gets a temp folder of its own inside the run's (global-setup.ts); what it
// leaves there fails the run (global-teardown.ts). A file of its own, so that removing
// cdktf's folders at the end of one file never touches those of a file running beside it.
const runTemp = process.env[RUN_TEMP_ENV];
if (runTemp) {
  const fileTemp = mkdtempSync(join(runTemp, FILE_PREFIX));
  // Jest gives each test file a copy of process.env: this reaches the processes tests start.
  process.env.TMPDIR = fileTemp;
  // os.tmpdir() reads the worker's real environment, which a test file cannot set: point it here.
  os.tmpdir = () => fileTemp;
  // cdktf's Testing.app() and synthScope() make cdktf.outdir.* folders and never delete them.
  afterAll(() => removeCdktfOutdirs(fileTemp));
}
