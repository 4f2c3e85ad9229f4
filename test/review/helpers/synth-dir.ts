import { mkdirSync, rmSync } from 'node:fs';
import { App } from 'cdktf';
import type { ColossusConfig } from '../../../config/schema';
import type { Target } from '../../../config/target';
import { buildStacks } from '../../../stacks/build';

/**
 * Synthesizes a config into a folder, as main.ts does, without main.ts's gates: these tests
 * are about the review of whatever the stacks synthesize, and a compliance finding another
 * engineer is still fixing must not stop them. (The gates have their own tests.)
 */
export function synthToDir(config: ColossusConfig, outdir: string, target: Target = { kind: 'aws' }): string {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // Set before stacks are built: cdktf reads it in the TerraformStack constructor.
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = '1';
  const app = new App({ outdir });
  buildStacks(app, config, target);
  app.synth();
  return outdir;
}
