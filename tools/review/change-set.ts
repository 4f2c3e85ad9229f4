/**
 * The one model of "what changes", whichever source it came from: a Terraform plan
 * (tools/review/plan-json.ts) or two synth outputs (tools/review/synth-diff.ts).
 * Values in it are already masked: nothing sensitive reaches a renderer.
 */
import type { BlockChange } from './blocks';

/** What happens to one resource. A replacement destroys the old object. */
export type Action = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'read' | 'no-op';

export const ACTION_ORDER: readonly Action[] = ['delete', 'replace', 'forget', 'create', 'update', 'read', 'no-op'];

/** Where a change set came from: a plan knows; a synth diff predicts. */
export type Source = 'plan' | 'synth';

/** Stands in for a value that must never be shown. */
export const SENSITIVE = '(sensitive value)';
/** Stands in for a value Terraform learns only during apply. */
export const UNKNOWN = '(known after apply)';

export interface AttributeChange {
  /** Terraform-style path: tags.tenant, network_interfaces[2].subnet_id */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive: boolean;
  /** True when this attribute forces the replacement. */
  readonly forcesReplacement: boolean;
}

export interface ResourceChange {
  readonly stack: string;
  /** aws_vpc.cluster-network_vpc_1234ABCD (the address in the stack's state). */
  readonly address: string;
  /** Set when the address itself changed (renamed construct, `moved` block). */
  readonly previousAddress?: string;
  readonly type: string;
  readonly mode: 'managed' | 'data';
  readonly action: Action;
  /** For replacements: Terraform's order. */
  readonly replaceOrder?: 'delete-then-create' | 'create-then-delete';
  /** Plain-words reason for a destroy or replacement, when one is known. */
  readonly reason?: string;
  /** For a replacement that follows from another: the replaced resource it references. */
  readonly causedBy?: string;
  /** Attributes that force the replacement (plan replace_paths, or predicted). */
  readonly forcingAttributes: readonly string[];
  readonly attributes: readonly AttributeChange[];
  /** Whole masked values, for domain deltas: null when the object does not exist on that side. */
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
}

export interface ActionCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly forget: number;
  readonly unchanged: number;
}

export interface StackChange {
  readonly name: string;
  /** Stack present on one side only (synth diff). */
  readonly status: 'changed' | 'added' | 'removed';
  readonly changes: readonly ResourceChange[];
  /** Non-resource blocks that changed (synth diff only; blocks.ts). */
  readonly blocks?: readonly BlockChange[];
}

export interface ChangeSet {
  readonly source: Source;
  readonly environment: string;
  readonly stacks: readonly StackChange[];
}

export function countActions(changes: readonly ResourceChange[]): ActionCounts {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, unchanged: 0 };
  for (const change of changes) {
    if (change.mode === 'data') continue;
    switch (change.action) {
      case 'create':
      case 'update':
      case 'replace':
      case 'delete':
      case 'forget':
        counts[change.action] += 1;
        break;
      default:
        counts.unchanged += 1;
    }
  }
  return counts;
}

export function totalCounts(changeSet: ChangeSet): ActionCounts {
  return countActions(changeSet.stacks.flatMap((s) => s.changes));
}

/** Managed resources whose action changes something, destroys and replacements first. */
export function visibleChanges(changes: readonly ResourceChange[]): ResourceChange[] {
  return changes
    .filter((c) => c.mode === 'managed' && ((c.action !== 'no-op' && c.action !== 'read') || !!c.previousAddress))
    .sort(
      (a, b) =>
        ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) ||
        a.stack.localeCompare(b.stack) ||
        a.address.localeCompare(b.address),
    );
}

/**
 * The exit status CI reads: 0 nothing destroyed, 2 something destroyed or replaced
 * (a replacement deletes the old object), 1 is left for errors.
 */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DESTROYS = 2;

export function exitStatus(changeSet: ChangeSet): number {
  const counts = totalCounts(changeSet);
  return counts.delete + counts.replace > 0 ? EXIT_DESTROYS : EXIT_OK;
}

/** Terraform-style path text from path segments: a.b[0].c */
export function pathText(path: readonly (string | number)[]): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
}
