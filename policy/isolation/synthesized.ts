import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';

/** One synthesized stack, as Terraform JSON. */
export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, unknown>;
  locals?: Record<string, unknown>;
  module?: Record<string, unknown>;
}

/** Every stack of one environment, by stack name. */
export type SynthesizedStacks = ReadonlyMap<string, StackJson>;

interface Manifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}

/** Reads the stacks a cdktf output folder lists in its manifest.json. */
export function readSynthesizedStacks(outdir: string): Map<string, StackJson> {
  const manifestPath = join(outdir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new ColossusError(`no synthesized stacks in ${outdir}`, [
      `${manifestPath} does not exist; run a synth first (npm run synth) and pass its output folder`,
    ]);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  return new Map(
    Object.entries(manifest.stacks).map(([name, stack]) => [
      name,
      JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8')) as StackJson,
    ]),
  );
}
