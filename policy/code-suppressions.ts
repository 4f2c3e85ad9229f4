import type { IConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { ColossusError } from '../config/errors';
import { suppressionProblems, type Suppression } from './suppressions';

/** Suppressions declared in code live in construct metadata under this type. */
const METADATA_TYPE = 'colossus:compliance-suppression';

export interface SuppressOptions {
  readonly reason: string;
  readonly expires?: string;
}

/**
 * Declares, next to a construct, that one rule does not apply to it. Fails at once with a
 * clear message when the reason is missing or short, or the expiry is not a date.
 */
export function suppress(scope: IConstruct, rule: string, options: SuppressOptions): void {
  if (TerraformStack.isStack(scope) || !scope.node.scope) {
    throw new ColossusError('Invalid compliance suppression', [
      `suppression of ${rule} on ${scope.node.path || '(app)'}: suppress a construct, not a whole stack or app`,
    ]);
  }
  const suppression = { rule, path: scope.node.path, reason: options.reason, expires: options.expires };
  const problems = suppressionProblems(suppression);
  if (problems.length) throw new ColossusError('Invalid compliance suppression', problems);
  scope.node.addMetadata(METADATA_TYPE, suppression);
}

/** Suppressions declared in code on the constructs of a stack. */
export function codeSuppressions(stack: IConstruct): Suppression[] {
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === METADATA_TYPE))
    .map((m) => ({ ...(m.data as Omit<Suppression, 'source'>), source: 'code' as const }));
}
