import { ColossusError } from '../../config/errors';
import type { ChangedStack, StackChanges } from './changes';
import { runsInPipeline, wavesOf, type StackGraph, type StackNode } from './graph';

/**
 * What the workflows read: the stacks to plan or apply, by wave, as GitHub Actions job
 * matrices. Workflow jobs are declared ahead of time, so the deploy workflow has one job per
 * wave up to a fixed number; a stack in a later wave than the workflow has jobs for is an
 * error here, not a stack silently left out.
 */

export interface MatrixEntry {
  readonly stack: string;
  readonly wave: number;
}

export interface PipelineStack extends MatrixEntry {
  readonly dependsOn: readonly string[];
  readonly reasons: readonly string[];
}

export interface PipelinePlan {
  readonly formatVersion: 1;
  readonly environment: string;
  /** Stacks the pipeline plans and applies, upstream first. */
  readonly stacks: readonly PipelineStack[];
  /** Selected stacks whose state is not shared (local backend): applied by hand, never by a job. */
  readonly manual: readonly { readonly stack: string; readonly reason: string }[];
  /** Stacks the base has and the head does not: the pipeline never destroys a stack. */
  readonly removed: readonly string[];
  /** Wave number -> stacks, only waves that hold a selected pipeline stack. */
  readonly waves: readonly { readonly wave: number; readonly stacks: readonly string[] }[];
  /** One entry per plan job; `count` is 0 when there is nothing to plan (a matrix must not be empty). */
  readonly matrix: { readonly include: readonly MatrixEntry[] };
  readonly count: number;
  /** wave-<n> -> matrix and count, for the deploy workflow's per-wave jobs (1..maxWave). */
  readonly byWave: Readonly<Record<string, { readonly include: readonly MatrixEntry[]; readonly count: number }>>;
}

export interface PlanOptions {
  /** The last wave the workflow has a job for; later ones fail. */
  readonly maxWave?: number;
}

function entryOf(node: StackNode, reasons: readonly string[]): PipelineStack {
  return { stack: node.name, wave: node.wave, dependsOn: node.dependsOn, reasons };
}

export function pipelinePlan(
  graph: StackGraph,
  selection: readonly ChangedStack[] | 'all',
  removed: readonly string[] = [],
  options: PlanOptions = {},
): PipelinePlan {
  const byName = new Map(graph.stacks.map((s) => [s.name, s]));
  const chosen =
    selection === 'all'
      ? graph.stacks.map((s): ChangedStack => ({ name: s.name, direct: true, reasons: ['every stack'] }))
      : selection;
  const unknown = chosen.filter((c) => !byName.has(c.name));
  if (unknown.length > 0) {
    throw new ColossusError(
      'changed stacks are not in the graph',
      unknown.map((u) => `${u.name}: not a stack of the head synth`),
    );
  }
  const nodes = chosen.map((c) => ({ node: byName.get(c.name)!, reasons: c.reasons }));
  const inPipeline = nodes
    .filter(({ node }) => runsInPipeline(node))
    .map(({ node, reasons }) => entryOf(node, reasons))
    .sort((a, b) => a.wave - b.wave || a.stack.localeCompare(b.stack));
  const manual = nodes
    .filter(({ node }) => !runsInPipeline(node))
    .map(({ node }) => ({
      stack: node.name,
      reason: `its state is on a ${node.backend} backend, which a pipeline job cannot share: apply it by hand first`,
    }))
    .sort((a, b) => a.stack.localeCompare(b.stack));
  if (options.maxWave !== undefined) {
    const late = inPipeline.filter((s) => s.wave > options.maxWave!);
    if (late.length > 0) {
      throw new ColossusError('more deploy waves than the workflow has jobs for', [
        ...late.map((s) => `${s.stack}: wave ${s.wave}, after the last wave job (wave ${options.maxWave})`),
        'add a wave job to the deploy workflow and raise --max-wave with it',
      ]);
    }
  }
  const include = inPipeline.map(({ stack, wave }) => ({ stack, wave }));
  const waves = wavesOf(inPipeline.map((s) => ({ name: s.stack, wave: s.wave, dependsOn: [], backend: '' })))
    .map((stacks, wave) => ({ wave, stacks }))
    .filter((w) => w.stacks.length > 0);
  const byWave: Record<string, { include: MatrixEntry[]; count: number }> = {};
  const last = options.maxWave ?? Math.max(0, ...inPipeline.map((s) => s.wave));
  for (let wave = 0; wave <= last; wave++) {
    const entries = include.filter((e) => e.wave === wave);
    byWave[`wave-${wave}`] = { include: entries, count: entries.length };
  }
  return {
    formatVersion: 1,
    environment: graph.environment,
    stacks: inPipeline,
    manual,
    removed: [...removed],
    waves,
    matrix: { include },
    count: include.length,
    byWave,
  };
}

export function planFromChanges(graph: StackGraph, changes: StackChanges, options: PlanOptions = {}): PipelinePlan {
  return pipelinePlan(graph, changes.changed, changes.removed, options);
}

/** The graph and its waves for people. */
export function graphText(graph: StackGraph): string {
  const waves = wavesOf(graph.stacks);
  const lines = [
    `${graph.environment}: ${graph.stacks.length} stacks in ${waves.length} deploy wave${waves.length === 1 ? '' : 's'} (the stacks of one wave do not read each other's state)`,
  ];
  waves.forEach((stacks, wave) => {
    lines.push('', `wave ${wave} (${stacks.length}):`);
    for (const name of stacks) {
      const node = graph.stacks.find((s) => s.name === name)!;
      const after = node.dependsOn.length > 0 ? `after ${node.dependsOn.join(', ')}` : 'no upstream';
      const manual = runsInPipeline(node) ? '' : ` [${node.backend} state: applied by hand]`;
      lines.push(`  ${name}  (${after})${manual}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** A pipeline plan for people: what runs, in which wave, and why. */
export function planText(plan: PipelinePlan): string {
  const lines = [
    plan.count === 0
      ? `${plan.environment}: no stack to plan`
      : `${plan.environment}: ${plan.count} stack${plan.count === 1 ? '' : 's'} to plan, in ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'}`,
  ];
  for (const wave of plan.waves) {
    lines.push('', `wave ${wave.wave}:`);
    for (const name of wave.stacks) {
      const stack = plan.stacks.find((s) => s.stack === name)!;
      lines.push(`  ${name}`, ...stack.reasons.map((r) => `    - ${r}`));
    }
  }
  if (plan.manual.length > 0) {
    lines.push('', 'applied by hand, not by the pipeline:', ...plan.manual.map((m) => `  ${m.stack}: ${m.reason}`));
  }
  if (plan.removed.length > 0) {
    lines.push(
      '',
      'removed from the head (the pipeline never destroys a stack; destroy it by hand after review):',
      ...plan.removed.map((r) => `  ${r}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Step outputs: every value on one line, as GITHUB_OUTPUT's name=value form needs. */
export function githubOutputs(plan: PipelinePlan): string {
  const lines = [`matrix=${JSON.stringify(plan.matrix)}`, `count=${plan.count}`];
  for (const [wave, m] of Object.entries(plan.byWave)) {
    lines.push(`${wave}=${JSON.stringify({ include: m.include })}`, `count-${wave}=${m.count}`);
  }
  lines.push(
    `stacks=${plan.stacks.map((s) => s.stack).join(' ')}`,
    `manual=${plan.manual.map((m) => m.stack).join(' ')}`,
    `removed=${plan.removed.join(' ')}`,
  );
  return `${lines.join('\n')}\n`;
}
