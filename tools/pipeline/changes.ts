import { UNKNOWN, countActions, visibleChanges, type ChangeSet, type ResourceChange } from '../review/change-set';
import { blastRadius, outputReaders, remoteStateStacks, type Reader } from '../review/blast-radius';
import { FORCE_NEW, forcesNew } from '../review/force-new';
import { diffSynthOutputs } from '../review/synth-diff';
import type { SynthOutput } from '../review/synth-output';
import { downstreamOf, type StackGraph } from './graph';

/**
 * Which stacks a change reaches, from a base and a head synth: the stacks whose own
 * configuration changes, plus every stack downstream of a changed output. A stack whose JSON
 * is identical still changes at its next plan when it reads an output whose value changes
 * (a replaced resource's new id, an output pointed elsewhere). The review's blast radius
 * (tools/review/blast-radius.ts) finds those readers; here it runs to a fixed point, so a
 * reader that is itself replaced carries the change on to its own readers.
 */

export interface ChangedStack {
  readonly name: string;
  /** True when the stack's own synthesized configuration changed. */
  readonly direct: boolean;
  /** Why it is in the set, in plain words, one line each. */
  readonly reasons: readonly string[];
}

export interface StackChanges {
  readonly environment: string;
  /** Stacks of the head to plan and apply, by name. */
  readonly changed: readonly ChangedStack[];
  /** Stacks only the base has: applying the head does not remove them; someone must destroy them. */
  readonly removed: readonly string[];
}

const REMOTE_OUTPUT = /data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_]+)/g;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function resourceReason(changes: readonly ResourceChange[]): string | undefined {
  const visible = visibleChanges(changes);
  if (visible.length === 0) return undefined;
  const counts = countActions(visible);
  const parts = (['create', 'update', 'replace', 'delete', 'forget'] as const)
    .filter((a) => counts[a] > 0)
    .map((a) => `${counts[a]} ${a}`);
  const moved = visible.filter((c) => c.previousAddress && c.action === 'no-op').length;
  if (moved > 0) parts.push(`${moved} moved`);
  return `${plural(visible.length, 'resource')} change (${parts.join(', ')})`;
}

/**
 * What a reader's attribute does when the output it reads changes: Terraform learns the new
 * value at apply, so the attribute is updated, or the resource replaced where the attribute
 * cannot be updated in place. A type the force-new table does not know is assumed replaced:
 * over-including a stack costs one plan, missing one leaves it undeployed.
 */
function readerChange(reader: Reader, existing: ResourceChange | undefined, head: SynthOutput): ResourceChange {
  const replace =
    !(reader.address.split('.')[0]! in FORCE_NEW) || forcesNew(reader.address.split('.')[0]!, reader.attribute);
  const type = reader.address.split('.')[0]!;
  const body = head.stacks.get(reader.stack)?.resource?.[type]?.[reader.address.slice(type.length + 1)] ?? {};
  const base: ResourceChange = existing ?? {
    stack: reader.stack,
    address: reader.address,
    type,
    mode: 'managed',
    action: 'no-op',
    forcingAttributes: [],
    attributes: [],
    before: body,
    after: body,
  };
  const action: ResourceChange['action'] =
    base.action === 'create' || base.action === 'delete' || base.action === 'replace'
      ? base.action
      : replace
        ? 'replace'
        : 'update';
  return {
    ...base,
    action,
    forcingAttributes: replace ? [...base.forcingAttributes, reader.attribute] : base.forcingAttributes,
    attributes: [
      ...base.attributes,
      {
        path: reader.attribute,
        before: base.before?.[reader.attribute],
        after: UNKNOWN,
        sensitive: false,
        forcesReplacement: replace,
      },
    ],
  };
}

export function changedStacks(base: SynthOutput, head: SynthOutput, graph: StackGraph): StackChanges {
  const diff = diffSynthOutputs(base, head);
  const names = [...new Set([...head.stacks.keys(), ...base.stacks.keys()])];
  const reasons = new Map<string, { direct: boolean; reasons: string[] }>();
  const note = (stack: string, reason: string, direct = false) => {
    const entry = reasons.get(stack) ?? { direct: false, reasons: [] };
    entry.direct ||= direct;
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    reasons.set(stack, entry);
  };

  const removed: string[] = [];
  const changedOutputs = new Map<string, Set<string>>(); // upstream stack -> outputs whose value changes
  const addOutput = (stack: string, output: string) =>
    changedOutputs.set(stack, new Set([...(changedOutputs.get(stack) ?? []), output]));
  for (const stack of diff.stacks) {
    if (stack.status === 'removed') {
      removed.push(stack.name);
      continue;
    }
    if (stack.status === 'added') note(stack.name, 'new stack', true);
    const resources = resourceReason(stack.changes);
    if (resources && stack.status !== 'added') note(stack.name, resources, true);
    const blocks = (stack.blocks ?? []).map((b) => b.address);
    if (blocks.length > 0 && stack.status !== 'added') note(stack.name, `blocks change: ${blocks.join(', ')}`, true);
    for (const block of stack.blocks ?? []) {
      if (block.kind === 'output') addOutput(stack.name, block.address.replace(/^output\./, ''));
    }
  }

  // Fixed point: readers of changed outputs change; a reader replaced changes its own exports.
  const working = new Map(diff.stacks.map((s) => [s.name, new Map(s.changes.map((c) => [c.address, c]))]));
  const allReaders = outputReaders(head, names);
  const seen = new Set<string>();
  for (let round = 0; ; round++) {
    const changeSet: ChangeSet = {
      ...diff,
      stacks: diff.stacks.map((s) => ({ ...s, changes: [...working.get(s.name)!.values()] })),
    };
    const pending: { reader: Reader; upstream: string; outputs: readonly string[] }[] = [];
    for (const entry of blastRadius(changeSet, head, base)) {
      if (entry.action === 'read') continue; // unresolved remote state: the graph refuses those
      for (const o of entry.outputs) addOutput(entry.stack, o);
      for (const reader of entry.readers) pending.push({ reader, upstream: entry.stack, outputs: entry.outputs });
    }
    if (round === 0) {
      for (const [upstream, outputs] of changedOutputs) {
        for (const output of outputs) {
          for (const reader of allReaders.get(`${upstream}\u0000${output}`) ?? []) {
            pending.push({ reader, upstream, outputs: [output] });
          }
        }
      }
    }
    let grew = false;
    for (const { reader, upstream, outputs } of pending) {
      if (reader.stack === upstream || !head.stacks.has(reader.stack)) continue;
      note(reader.stack, `reads ${outputs.join(', ')} of ${upstream}, which changes`);
      const key = `${reader.stack}\u0000${reader.address}\u0000${reader.attribute}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const stackChanges = working.get(reader.stack)!;
      stackChanges.set(reader.address, readerChange(reader, stackChanges.get(reader.address), head));
      grew = true;
    }
    if (!grew) break;
  }

  // Outputs read outside a resource (locals, outputs, providers, data sources) cannot be
  // followed attribute by attribute: that stack and everything downstream of it are included.
  for (const [name, json] of head.stacks) {
    const sources = remoteStateStacks(json, names);
    const outsideResources = Object.entries(json).filter(([section]) => section !== 'resource');
    for (const m of JSON.stringify(outsideResources).matchAll(REMOTE_OUTPUT)) {
      const upstream = sources.get(m[1] ?? '');
      if (!upstream || !changedOutputs.get(upstream)?.has(m[2] ?? '')) continue;
      note(name, `reads ${m[2]} of ${upstream}, which changes, outside a resource`);
      for (const down of downstreamOf(graph, [name])) {
        note(down, `follows ${name}, which reads a changed output outside a resource`);
      }
    }
  }

  const changed = [...reasons]
    .filter(([name]) => head.stacks.has(name))
    .map(([name, r]): ChangedStack => ({ name, direct: r.direct, reasons: r.reasons }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { environment: head.environment, changed, removed: removed.sort() };
}
