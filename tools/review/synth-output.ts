import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';

/** One synthesized stack, as Terraform JSON (cdk.tf.json). */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, readonly Record<string, unknown>[]>;
  readonly terraform?: Record<string, unknown>;
  readonly output?: Record<string, Record<string, unknown>>;
  readonly locals?: Record<string, unknown>;
}

export interface SynthOutput {
  readonly dir: string;
  /** The environment tag every stack's provider applies. */
  readonly environment: string;
  readonly stacks: ReadonlyMap<string, StackJson>;
}

interface Manifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}

/** The default tags of a stack's AWS provider. */
export function defaultTags(stack: StackJson): Record<string, string> {
  const aws = stack.provider?.aws?.[0] as { default_tags?: { tags?: Record<string, string> }[] } | undefined;
  return aws?.default_tags?.[0]?.tags ?? {};
}

/** Reads a cdktf synth output folder (manifest.json and each stack's cdk.tf.json). */
export function readSynthOutput(dir: string, role = 'synth output'): SynthOutput {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ColossusError(`no ${role} at ${dir}`, [
      `${dir} does not exist or is not a folder; synthesize first (for example CDKTF_OUTDIR=${dir} npm run synth)`,
    ]);
  }
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new ColossusError(`${dir} is not a synth output`, [
      `${manifestPath} is missing; pass the folder cdktf synthesized into (the one holding manifest.json and stacks/)`,
    ]);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (error) {
    throw new ColossusError(`${manifestPath} is not readable`, [
      error instanceof Error ? error.message : String(error),
    ]);
  }
  if (typeof manifest?.stacks !== 'object' || manifest.stacks === null) {
    throw new ColossusError(`${manifestPath} is not a cdktf manifest`, ['expected an object with "stacks"']);
  }
  const stacks = new Map<string, StackJson>();
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    const file = join(dir, entry.synthesizedStackPath);
    if (!existsSync(file)) {
      throw new ColossusError(`${dir} is an incomplete synth output`, [`stack ${name}: ${file} is missing`]);
    }
    stacks.set(name, JSON.parse(readFileSync(file, 'utf8')) as StackJson);
  }
  const environments = new Set([...stacks.values()].map((s) => defaultTags(s).environment).filter(Boolean));
  if (environments.size > 1) {
    throw new ColossusError(`${dir} mixes environments`, [`stacks are tagged ${[...environments].sort().join(', ')}`]);
  }
  return { dir, environment: [...environments][0] ?? 'unknown', stacks };
}
