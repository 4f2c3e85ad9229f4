import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import { remoteStateStacks } from '../review/blast-radius';
import type { StackJson, SynthOutput } from '../review/synth-output';

/**
 * An environment's stacks as a graph: an edge from each stack to every stack it must follow
 * (the stacks whose state it reads, and the stack that holds its state bucket), and deploy
 * waves: wave 0 has no upstream, wave n follows only stacks of earlier waves, so the stacks of
 * one wave never read each other's state and can be planned and applied side by side.
 */

export interface StackNode {
  readonly name: string;
  /** Stacks that must be applied before this one, sorted. */
  readonly dependsOn: readonly string[];
  /** The backend kind: s3 state is shared with CI; local state lives on one machine. */
  readonly backend: string;
  readonly wave: number;
}

export interface StackGraph {
  readonly environment: string;
  /** Upstream first: by wave, then by name. */
  readonly stacks: readonly StackNode[];
}

/** Backends whose state a CI job can read and lock; anything else is applied by hand. */
export const SHARED_BACKENDS: ReadonlySet<string> = new Set(['s3']);

/** Whether a pipeline job can plan and apply the stack (its state is not on someone's disk). */
export function runsInPipeline(node: StackNode): boolean {
  return SHARED_BACKENDS.has(node.backend);
}

function backendOf(stack: StackJson): string {
  const backend = stack.terraform?.backend;
  const kinds = backend && typeof backend === 'object' ? Object.keys(backend) : [];
  // No backend block: Terraform keeps state in the working folder, which is local.
  return kinds[0] ?? 'local';
}

/** The stack that creates an S3 state bucket, by bucket name. */
function bucketOwners(synth: SynthOutput): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [name, json] of synth.stacks) {
    for (const bucket of Object.values(json.resource?.aws_s3_bucket ?? {})) {
      if (typeof bucket.bucket === 'string') owners.set(bucket.bucket, name);
    }
  }
  return owners;
}

/** cdktf's own view of the order (manifest.json `dependencies`), by stack. */
export function readDeclaredDependencies(dir: string): Map<string, string[]> {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) {
    throw new ColossusError(`${dir} is not a synth output`, [`${file} is missing`]);
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    stacks?: Record<string, { dependencies?: unknown }>;
  };
  const out = new Map<string, string[]>();
  for (const [name, entry] of Object.entries(manifest.stacks ?? {})) {
    const deps = Array.isArray(entry.dependencies) ? entry.dependencies.filter((d) => typeof d === 'string') : [];
    out.set(name, deps);
  }
  return out;
}

/**
 * Builds the graph. Fails, naming the stack and the reason, on anything that would make the
 * order a guess: a remote state whose key names no stack, a declared dependency on a stack
 * that is not in the output, or a cycle.
 */
export function stackGraph(
  synth: SynthOutput,
  declared: ReadonlyMap<string, readonly string[]> = new Map(),
): StackGraph {
  const names = [...synth.stacks.keys()].sort();
  const known = new Set(names);
  const owners = bucketOwners(synth);
  const problems: string[] = [];
  const upstream = new Map<string, Set<string>>();
  for (const name of names) {
    const json = synth.stacks.get(name)!;
    const deps = new Set<string>();
    for (const [remote, source] of remoteStateStacks(json, names)) {
      if (source === undefined) {
        problems.push(
          `${name}: data.terraform_remote_state.${remote} reads a state whose key or path names no stack of this output, so the order cannot be known`,
        );
      } else if (source !== name) deps.add(source);
    }
    for (const dep of declared.get(name) ?? []) {
      if (known.has(dep)) deps.add(dep);
      else problems.push(`${name}: depends on ${dep} (manifest.json), which is not a stack of this output`);
    }
    const s3 = (json.terraform?.backend as { s3?: { bucket?: unknown } } | undefined)?.s3;
    const holder = typeof s3?.bucket === 'string' ? owners.get(s3.bucket) : undefined;
    if (holder && holder !== name) deps.add(holder);
    upstream.set(name, deps);
  }
  if (problems.length > 0) throw new ColossusError('cannot build the stack graph', problems);

  const waves = new Map<string, number>();
  const visiting: string[] = [];
  const waveOf = (name: string): number => {
    const done = waves.get(name);
    if (done !== undefined) return done;
    if (visiting.includes(name)) {
      const cycle = [...visiting.slice(visiting.indexOf(name)), name];
      throw new ColossusError('cannot build the stack graph', [
        `the stacks depend on each other in a cycle: ${cycle.join(' -> ')}`,
      ]);
    }
    visiting.push(name);
    const wave = Math.max(-1, ...[...upstream.get(name)!].map(waveOf)) + 1;
    visiting.pop();
    waves.set(name, wave);
    return wave;
  };
  const stacks = names.map((name): StackNode => ({
    name,
    dependsOn: [...upstream.get(name)!].sort(),
    backend: backendOf(synth.stacks.get(name)!),
    wave: waveOf(name),
  }));
  stacks.sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
  return { environment: synth.environment, stacks };
}

/** Stacks by wave: waves[n] holds the stacks of wave n. */
export function wavesOf(stacks: readonly StackNode[]): string[][] {
  const waves: string[][] = [];
  for (const s of stacks) (waves[s.wave] ??= []).push(s.name);
  return waves.map((w) => (w ?? []).sort());
}

/** Every stack that follows one of `names`, directly or through others (not `names` themselves). */
export function downstreamOf(graph: StackGraph, names: Iterable<string>): Set<string> {
  const readers = new Map<string, string[]>();
  for (const s of graph.stacks) for (const d of s.dependsOn) readers.set(d, [...(readers.get(d) ?? []), s.name]);
  const start = new Set(names);
  const found = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    for (const next of readers.get(queue.shift()!) ?? []) {
      if (found.has(next) || start.has(next)) continue;
      found.add(next);
      queue.push(next);
    }
  }
  return found;
}
