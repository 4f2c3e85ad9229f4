import { changesDefaultTags, isStateMigration } from './blocks';
import type { ChangeSet, ResourceChange } from './change-set';
import type { ReviewInput } from './markdown';
import type { CapacityMove } from './moves';

/**
 * What a reviewer must see on the first screen, in this order: capacity handed between
 * tenants, state migrations, stacks removed from the app, provider changes that touch every resource, contract changes,
 * power or cooling margins below one SU of load, isolation and compliance verdict changes.
 */

export type WarningKind =
  | 'capacity-move'
  | 'state-migration'
  | 'stack-removed'
  | 'blocked'
  | 'provider'
  | 'contract'
  | 'margin'
  | 'isolation'
  | 'compliance';

export interface Warning {
  readonly kind: WarningKind;
  readonly text: string;
}

const int = (n: number): string => n.toLocaleString('en-US');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
const who = (tenant: string) => (tenant === 'unallocated' ? 'the spare pool' : `tenant ${code(tenant)}`);

export function moveText(m: CapacityMove): string {
  const gpus = m.gpus === null ? 'GPUs unknown' : `${int(m.gpus)} GPUs`;
  const cls = (tenant: string, c: string) => (tenant === 'unallocated' ? '' : ` (${c})`);
  return `${m.cluster} / ${m.hall} / ${code(m.unit)} moves from ${who(m.from)}${cls(m.from, m.fromClassification)} to ${who(m.to)}${cls(m.to, m.toClassification)}, ${gpus}`;
}

const managed = (changes: readonly ResourceChange[]) =>
  changes.filter((c) => c.mode === 'managed' && c.action !== 'delete').length;

function blockWarnings(changeSet: ChangeSet): Warning[] {
  const warnings: Warning[] = [];
  // A stack added or removed whole is told by its creates and destroys, not block by block.
  for (const stack of changeSet.stacks.filter((s) => s.status === 'changed')) {
    for (const block of stack.blocks ?? []) {
      if (isStateMigration(block)) {
        const what = block.attributes
          .slice(0, 3)
          .map((a) => `${code(a.path)} ${JSON.stringify(a.before)} → ${JSON.stringify(a.after)}`)
          .join(', ');
        warnings.push({
          kind: 'state-migration',
          text: `state migration: the backend of ${code(stack.name)} changes (${what}); without \`terraform init -migrate-state\` Terraform starts from empty state there and plans to create all ${int(managed(stack.changes))} resources again`,
        });
      } else if (changesDefaultTags(block)) {
        const tagged = stack.changes.filter((c) => c.attributes.some((a) => a.path.startsWith('tags_all'))).length;
        warnings.push({
          kind: 'provider',
          text: `provider default tags of ${code(stack.name)} change: every taggable resource of the stack is updated (tags_all), ${int(tagged)} of them with tags of their own`,
        });
      } else if (block.kind === 'provider' || block.kind === 'required-providers' || block.kind === 'unknown') {
        warnings.push({
          kind: 'provider',
          text: `${block.kind === 'unknown' ? 'a block the review does not model' : 'provider configuration'} ${code(block.address)} of ${code(stack.name)} changes (${block.attributes
            .slice(0, 3)
            .map((a) => code(a.path))
            .join(', ')}): it applies to every resource of the stack`,
        });
      }
    }
  }
  return warnings;
}

/**
 * A stack that leaves the app is not destroyed by `cdktf deploy`, which only deploys the stacks
 * the app synthesizes: its resources stay in AWS and in its state, and no guard (isolation,
 * compliance, resilience) sees them any more, since they read the head's synth.
 */
function removedStackWarnings(changeSet: ChangeSet): Warning[] {
  return changeSet.stacks
    .filter((s) => s.status === 'removed')
    .map((stack) => {
      const held = stack.changes.filter((c) => c.mode === 'managed' && c.action === 'delete').length;
      return {
        kind: 'stack-removed' as const,
        text: `stack removed: ${code(stack.name)} leaves the app, and \`cdktf deploy\` does not destroy it: its ${int(held)} resources stay in AWS, unseen by every guard, until \`cdktf destroy ${stack.name}\` is run from the base commit`,
      };
    });
}

function reportWarnings(input: ReviewInput): Warning[] {
  const warnings: Warning[] = [];
  const { base, head } = input.reports;
  if (head.resilience.available) {
    const before = base?.resilience.available ? base.resilience.value : undefined;
    for (const [cluster, after] of head.resilience.value) {
      const was = before?.get(cluster);
      for (const [tenant, gpus] of Object.entries(after.tenantContractedGpus ?? {})) {
        const old = was?.tenantContractedGpus?.[tenant];
        if (was && old !== undefined && old !== gpus) {
          warnings.push({
            kind: 'contract',
            text: `contract: tenant ${code(tenant)} in ${cluster} is contracted for ${int(old)} → ${int(gpus)} GPUs (worst-case headroom ${int(after.tenantHeadroomGpus[tenant] ?? 0)})`,
          });
        }
      }
      for (const [resource, margin, unit, old] of [
        ['power', after.powerMarginKw, after.powerUnitKw, was?.powerMarginKw],
        ['cooling', after.coolingMarginKw, after.coolingUnitKw, was?.coolingMarginKw],
      ] as const) {
        if (margin === null || unit === null || unit === undefined || margin >= unit) continue;
        warnings.push({
          kind: 'margin',
          text: `${resource} margin of ${cluster} under the worst single failure is ${int(Math.round(margin))} kW, below one SU of load (${int(Math.round(unit))} kW)${old !== undefined && old !== null && old !== margin ? `; was ${int(Math.round(old))} kW` : ''}`,
        });
      }
    }
  }
  if (base?.isolation.available && head.isolation.available) {
    const was = base.isolation.value.leaks.length;
    const now = head.isolation.value.leaks.length;
    if ((was === 0) !== (now === 0)) {
      warnings.push({
        kind: 'isolation',
        text: `tenant isolation: ${was === 0 ? 'proved' : `${int(was)} leaks`} → ${now === 0 ? 'proved' : `**${int(now)} leaking paths**`}`,
      });
    }
  } else if (base?.isolation.available && !head.isolation.available) {
    warnings.push({
      kind: 'isolation',
      text: `tenant isolation: proved on the base, cannot be proved on the head (${head.isolation.reason})`,
    });
  }
  if (base?.compliance.available && head.compliance.available) {
    const fails = (m: typeof head.compliance.value) => [...m.values()].reduce((n, s) => n + s.fail + s.errors, 0);
    const was = fails(base.compliance.value);
    const now = fails(head.compliance.value);
    if (was !== now)
      warnings.push({ kind: 'compliance', text: `compliance: failing controls ${int(was)} → ${int(now)}` });
  }
  return warnings;
}

export function topWarnings(input: ReviewInput): Warning[] {
  return [
    ...input.domain.moves.map((m) => ({ kind: 'capacity-move' as const, text: `capacity move: ${moveText(m)}` })),
    ...blockWarnings(input.changeSet),
    ...removedStackWarnings(input.changeSet),
    ...(input.blast ?? [])
      .filter((b) => b.blocked)
      .map((b) => ({
        kind: 'blocked' as const,
        text: `${b.action === 'read' ? 'unresolved remote state' : `blocked ${b.action === 'delete' ? 'destroy' : 'replacement'}`}: ${code(b.address)} in ${code(b.stack)}: ${b.blocked}`,
      })),
    ...reportWarnings(input),
  ];
}
