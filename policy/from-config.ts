import type { IConstruct } from 'constructs';
import { distance } from 'fastest-levenshtein';
import type { ColossusConfig } from '../config/schema';
import { ComplianceAspect } from './aspect';
import type { Suppression } from './suppressions';

/** The aspect for an environment: its tenants, and the suppressions its config declares. */
export function complianceAspectFor(config: ColossusConfig, today: Date = new Date()): ComplianceAspect {
  const tenants = new Map(config.clusters.flatMap((c) => c.tenants.map((t) => [t.id, t.dataClassification] as const)));
  const suppressions: Suppression[] = (config.compliance?.suppressions ?? []).map((s) => ({ ...s, source: 'config' }));
  return new ComplianceAspect({ tenants, suppressions, today });
}

/** Closest construct paths to a path that matches none, by edit distance. */
export function closestPaths(path: string, known: readonly string[], count = 3): string[] {
  return known
    .map((candidate) => ({ candidate, d: distance(path, candidate) }))
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map((x) => x.candidate);
}

/**
 * A config suppression must name a construct that exists in this environment: one whose
 * path matches nothing (a typo in the stack name, a renamed construct) would otherwise be
 * silently ignored, whatever its rule or expiry. Checked on the built construct tree, before synth.
 */
export function unknownSuppressionPaths(
  config: ColossusConfig,
  stacks: readonly IConstruct[],
): { path: (string | number)[]; message: string }[] {
  const suppressions = config.compliance?.suppressions ?? [];
  if (suppressions.length === 0) return [];
  const paths = stacks.flatMap((stack) => stack.node.findAll().map((c) => c.node.path));
  const known = new Set(paths);
  return suppressions.flatMap((s, index) => {
    if (known.has(s.path)) return [];
    const closest = closestPaths(s.path, paths);
    return [
      {
        path: ['compliance', 'suppressions', index, 'path'],
        message: `${JSON.stringify(s.path)} matches no construct in environment ${config.environment.name} (rule: a suppression names an existing construct path); closest: ${closest.join(', ')}`,
      },
    ];
  });
}
