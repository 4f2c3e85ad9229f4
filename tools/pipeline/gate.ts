import type { StackChange } from '../review/change-set';
import type { StackJson } from '../review/synth-output';

/**
 * The deploy gate: a stack whose plan destroys or replaces a protected resource stops its wave.
 * Protected: anything synthesized with lifecycle.prevent_destroy (Terraform refuses to plan those
 * anyway), and every resource of the stateful types the project protects (README, "What is
 * protected"), so a change that also drops the protection is still stopped: removing a protected
 * resource is done by hand, after review (the README's procedure), never by the pipeline.
 */
export const PROTECTED_TYPES: ReadonlySet<string> = new Set([
  'aws_kms_key',
  'aws_s3_bucket',
  'aws_cloudwatch_log_group',
]);

export interface BlockedDestroy {
  readonly stack: string;
  readonly address: string;
  readonly action: 'delete' | 'replace';
  readonly why: string;
}

function preventDestroy(stack: StackJson | undefined, address: string): boolean {
  const [type, ...rest] = address.split('.');
  const body = stack?.resource?.[type ?? '']?.[rest.join('.')] as
    { lifecycle?: { prevent_destroy?: unknown } } | undefined;
  return body?.lifecycle?.prevent_destroy === true;
}

export function blockedDestroys(change: StackChange, synthesized: StackJson | undefined): BlockedDestroy[] {
  return change.changes
    .filter((c) => c.mode === 'managed' && (c.action === 'delete' || c.action === 'replace'))
    .flatMap((c): BlockedDestroy[] => {
      const protectedType = PROTECTED_TYPES.has(c.type);
      const prevented = preventDestroy(synthesized, c.previousAddress ?? c.address);
      if (!protectedType && !prevented) return [];
      return [
        {
          stack: change.name,
          address: c.address,
          action: c.action as 'delete' | 'replace',
          why: prevented
            ? 'it is synthesized with prevent_destroy'
            : `${c.type} holds state or data the project never lets a pipeline destroy`,
        },
      ];
    });
}
