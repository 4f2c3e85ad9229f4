import { visibleChanges, type StackChange } from '../review/change-set';

/**
 * The body of the drift issue of one environment: which stacks' real state differs from the
 * code, and what differs. A stack whose plan failed cannot be said to be in step: it keeps the
 * issue open, named with its error.
 */

export const DRIFT_LABEL = 'drift';
export const driftMarker = (environment: string) => `<!-- colossus-drift:${environment} -->`;
export const driftTitle = (environment: string) => `Drift in ${environment}`;

export interface DriftInput {
  readonly environment: string;
  readonly stacks: readonly StackChange[];
  readonly failed: readonly { readonly name: string; readonly error: string }[];
  /** Where the run is, for the reader. */
  readonly runUrl?: string;
  /** Most resources listed per stack. */
  readonly maxPerStack?: number;
}

export interface DriftReport {
  /** True when anything differs or could not be planned: the issue stays open. */
  readonly open: boolean;
  readonly drifted: readonly string[];
  readonly body: string;
}

export function driftReport(input: DriftInput): DriftReport {
  const max = input.maxPerStack ?? 25;
  const drifted = input.stacks.filter((s) => visibleChanges(s.changes).length > 0);
  const lines = [
    driftMarker(input.environment),
    `## ${driftTitle(input.environment)}`,
    '',
    `${drifted.length} of ${input.stacks.length + input.failed.length} stacks differ from the code on the default branch` +
      (input.failed.length > 0 ? `; ${input.failed.length} could not be planned` : '') +
      '.',
    ...(input.runUrl ? ['', `Checked by ${input.runUrl}.`] : []),
  ];
  for (const stack of drifted.sort((a, b) => a.name.localeCompare(b.name))) {
    const changes = visibleChanges(stack.changes);
    lines.push('', `### ${stack.name}`, '');
    for (const c of changes.slice(0, max)) {
      const attributes = c.attributes.map((a) => a.path).slice(0, 8);
      lines.push(
        `- \`${c.address}\`: ${c.action}${attributes.length > 0 ? ` (${attributes.join(', ')}${c.attributes.length > 8 ? ', …' : ''})` : ''}`,
      );
    }
    if (changes.length > max) lines.push(`- … and ${changes.length - max} more`);
  }
  if (input.failed.length > 0) {
    lines.push('', '### Could not be planned', '');
    for (const f of input.failed) lines.push(`- ${f.name}: ${f.error.split('\n')[0]}`);
  }
  if (drifted.length === 0 && input.failed.length === 0) lines.push('', 'No drift: every stack matches its code.');
  return {
    open: drifted.length > 0 || input.failed.length > 0,
    drifted: drifted.map((s) => s.name),
    body: `${lines.join('\n')}\n`,
  };
}
