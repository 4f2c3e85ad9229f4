import { Testing } from 'cdktf';
import { loadConfig } from '../../config/load';
import { evaluateLimits, largestPerLimit, measureStacks } from '../../policy/cloudwatch-limits/check';
import { CLOUDWATCH_LIMITS } from '../../policy/cloudwatch-limits/limits';
import type { StackJson } from '../../policy/isolation/synthesized';
import { AlertingStack } from '../../stacks/alerting-stack';
import { MonitoringStack } from '../../stacks/monitoring-stack';
import { CapacityStack } from '../../stacks/capacity-stack';
import { planStacks } from '../../stacks/sharding';
import { synthStack } from '../helpers/synth';

/**
 * Every stack that holds CloudWatch alarms or dashboards, built from the plan (so split halls
 * are covered) without the compute layers, which hold none.
 */
function alarmStacks(environment: string): Map<string, StackJson> {
  const config = loadConfig({ environment });
  const app = Testing.app();
  const stacks = new Map<string, StackJson>();
  const alertingOf = (clusterId: string) =>
    planStacks(config).find((p) => p.layer === 'alerting' && p.cluster.id === clusterId)!.name;
  for (const plan of planStacks(config)) {
    if (plan.layer === 'capacity') {
      stacks.set(
        plan.name,
        synthStack(
          new CapacityStack(app, plan.name, {
            config,
            cluster: plan.cluster,
            alertingStack: alertingOf(plan.cluster.id),
          }),
        ),
      );
    } else if (plan.layer === 'alerting') {
      stacks.set(plan.name, synthStack(new AlertingStack(app, plan.name, { config, cluster: plan.cluster })));
    } else if (plan.layer === 'monitoring') {
      const alertingStack = planStacks(config).find((p) => p.layer === 'alerting' && p.cluster.id === plan.cluster.id)!;
      stacks.set(
        plan.name,
        synthStack(
          new MonitoringStack(app, plan.name, {
            config,
            cluster: plan.cluster,
            hall: plan.hall,
            alertingStack: alertingStack.name,
            part: plan.part,
            hallParts: plan.hallParts,
          }),
        ),
      );
    }
  }
  return stacks;
}

describe.each(['dev', 'staging', 'prod'])('CloudWatch limits over %s', (environment) => {
  const model = measureStacks(alarmStacks(environment));

  it('keeps every alarm, composite and dashboard within CloudWatch documented limits', () => {
    expect(evaluateLimits(model)).toEqual([]);
  });

  it('measured the composites and dashboards it is meant to (the test is not vacuous)', () => {
    const largest = largestPerLimit(model);
    expect(largest.compositeRuleLength?.value).toBeGreaterThan(0);
    expect(largest.compositeChildren?.value).toBeGreaterThan(1);
    expect(largest.dashboardWidgets?.value).toBeGreaterThan(0);
    // The capacity stacks' Metrics Insights alarms are counted against the account's quota.
    expect(largest.insightsAlarms?.value).toBeGreaterThan(0);
    expect(largest.insightsEvaluationSeconds?.value).toBe(3 * 60 * 60);
    for (const m of Object.values(largest)) expect(m.value).toBeLessThanOrEqual(CLOUDWATCH_LIMITS[m.limit].max);
  });
});
