import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { App } from 'cdktf';
import { ColossusError } from './config/errors';
import { loadConfig } from './config/load';
import { buildStacks } from './stacks/build';
import { skipTokenCreationTraces } from './stacks/token-traces';

skipTokenCreationTraces();

/**
 * The cdktf app. The environment comes from COLOSSUS_CONFIG (any YAML file) or
 * COLOSSUS_ENV (a name under config/environments/, default dev).
 */
function main(): void {
  const config = loadConfig({ environment: process.env.COLOSSUS_ENV, file: process.env.COLOSSUS_CONFIG });

  // Synthesize beside the output folder, then swap: a failed synth leaves the last good output.
  const outdir = resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const staging = `${outdir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(outdir), { recursive: true });
  try {
    const app = new App({ outdir: staging });
    buildStacks(app, config);
    app.synth();
    if (existsSync(outdir)) rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof ColossusError)) throw error;
  process.stderr.write(`colossus: ${error.message}\n`);
  process.exitCode = 1;
}
