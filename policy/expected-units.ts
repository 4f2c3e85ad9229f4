import { scalableUnitSlots } from '../config/capacity';
import { cduIds } from '../config/cooling';
import type { ColossusConfig } from '../config/schema';
import { planStacks, type StackPlan } from '../stacks/sharding';
import { tenantDataBuckets } from '../stacks/audit-stack';
import type { ExpectedUnits } from './model';
import { capacityExpectation } from './capacity-expectations';

/**
 * What config says each stack must hold, so that coverage rules count against the config and
 * not against what happened to be synthesized: deleting every alarm of a CDU, every SU of a
 * hall, or a whole tenant then fails instead of passing with nothing to check.
 */
export function expectedUnits(
  config: ColossusConfig,
  plans: readonly StackPlan[] = planStacks(config),
): Map<string, ExpectedUnits> {
  const result = new Map<string, ExpectedUnits>();
  for (const plan of plans) {
    switch (plan.layer) {
      case 'monitoring':
        result.set(plan.name, {
          cdus: cduIds(plan.cluster.cooling).slice(plan.cdus.first, plan.cdus.first + plan.cdus.count),
        });
        break;
      case 'alerting':
        result.set(plan.name, { feeds: plan.cluster.power.feeds.map((f) => f.id) });
        break;
      case 'compute': {
        const capacityType =
          plan.cluster.fabric.capacity === 'capacity-block'
            ? 'aws_resourcegroups_group'
            : 'aws_ec2_capacity_reservation';
        result.set(plan.name, {
          scalableUnits: scalableUnitSlots(plan.cluster, plan.hall).slice(
            plan.units.first,
            plan.units.first + plan.units.count,
          ).length,
          capacityType,
          leftOut: config.environment.emulatorGaps.includes('capacity-reservations') ? [capacityType] : [],
        });
        break;
      }
      case 'tenancy':
        result.set(plan.name, { tenants: plan.cluster.tenants.map((t) => t.id) });
        break;
      case 'capacity':
        result.set(plan.name, { capacity: capacityExpectation(config, plan.cluster) });
        break;
      case 'audit':
        result.set(plan.name, { audit: { tenantBuckets: tenantDataBuckets(config) } });
        break;
      default:
        break;
    }
  }
  return result;
}
