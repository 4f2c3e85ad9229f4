import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defaultOutdir } from '../stacks/synth-output';
import { lastLines, run } from './run';
import { PROJECT_ROOT } from './terraform';

export interface SynthesizedStack {
  readonly name: string;
  readonly dir: string;
}

/** Synthesizes one environment into outdir by running the app, as cdktf would. */
export async function synthEnvironment(environment: string, outdir: string): Promise<SynthesizedStack[]> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COLOSSUS_ENV: environment,
    CDKTF_OUTDIR: outdir,
    // The caller reads the output folder, not the summary.
    COLOSSUS_QUIET: '1',
    CHECKPOINT_DISABLE: '1',
  };
  delete env.COLOSSUS_CONFIG;
  const tsx = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const result = await run(tsx, [join(PROJECT_ROOT, 'main.ts')], { cwd: PROJECT_ROOT, env });
  if (result.code !== 0) {
    throw new Error(`synth of ${environment} failed:\n${lastLines(result, 40)}`);
  }
  return readStacks(outdir);
}

interface Manifest {
  stacks: Record<string, { workingDirectory: string }>;
}

export function readStacks(outdir: string): SynthesizedStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  return Object.entries(manifest.stacks).map(([name, stack]) => ({ name, dir: join(outdir, stack.workingDirectory) }));
}

/** The output folder of the environment COLOSSUS_ENV names (dev by default), relative to the project. */
export function envOutdir(env: NodeJS.ProcessEnv = process.env): string {
  return relative(PROJECT_ROOT, defaultOutdir(PROJECT_ROOT, env.COLOSSUS_ENV?.trim() || 'dev'));
}
