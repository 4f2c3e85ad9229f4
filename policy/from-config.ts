import type { ColossusConfig } from '../config/schema';
import { ComplianceAspect } from './aspect';
import type { Suppression } from './suppressions';

/** The aspect for an environment: its tenants, and the suppressions its config declares. */
export function complianceAspectFor(config: ColossusConfig, today: Date = new Date()): ComplianceAspect {
  const tenants = new Map(config.clusters.flatMap((c) => c.tenants.map((t) => [t.id, t.dataClassification] as const)));
  const suppressions: Suppression[] = (config.compliance?.suppressions ?? []).map((s) => ({ ...s, source: 'config' }));
  return new ComplianceAspect({ tenants, suppressions, today });
}
