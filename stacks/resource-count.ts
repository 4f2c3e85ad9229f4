import type { ColossusConfig } from '../config/schema';
import { PLAN_BUDGET_SECONDS, estimatePlanSeconds, totalResources, type StackContents } from './plan-cost';
import { MAX_RESOURCES_PER_STACK, planStacks, type StackPlan } from './sharding';
import { stackContents } from './stack-contents';

/**
 * How many Terraform resources each stack will hold, from config alone, so an environment
 * too large for one state is refused in milliseconds, before a construct is built. The
 * counts (stacks/stack-contents.ts) mirror the constructs; test/stacks/environments.test.ts
 * holds them equal to the synthesized stacks of every real environment, type by type.
 */

interface Counts {
  /** The config field to change when the stack is too large. */
  readonly path: (string | number)[];
  readonly count: number;
  /** What the stack holds, by type, and its estimated plan seconds. */
  readonly contents: StackContents;
  readonly planSeconds: number;
}

function configPath(config: ColossusConfig, plan: StackPlan): (string | number)[] {
  if (plan.layer === 'bootstrap') return ['environment', 'backend'];
  if (plan.layer === 'audit') return ['environment'];
  const c = config.clusters.indexOf(plan.cluster);
  switch (plan.layer) {
    case 'network':
      return ['clusters', c, 'halls'];
    case 'tenancy':
      return ['clusters', c, 'tenants'];
    case 'compute':
      return ['clusters', c, 'halls', plan.cluster.halls.indexOf(plan.hall), 'scalableUnits'];
    case 'alerting':
      return ['clusters', c, 'power', 'feeds'];
    case 'monitoring':
      return ['clusters', c, 'cooling', 'cdusPerHall'];
    case 'capacity':
      return ['clusters', c, 'tenants'];
  }
}

export function stackResourceCount(config: ColossusConfig, plan: StackPlan): Counts {
  const contents = stackContents(config, plan);
  return {
    path: configPath(config, plan),
    count: totalResources(contents),
    contents,
    planSeconds: estimatePlanSeconds(contents),
  };
}

/** Each stack's name, resource count, contents by type and estimated plan seconds, in plan order. */
export function stackResourceCounts(
  config: ColossusConfig,
  plans: readonly StackPlan[] = planStacks(config),
): ({ name: string } & Counts)[] {
  return plans.map((plan) => ({ name: plan.name, ...stackResourceCount(config, plan) }));
}

/**
 * Stacks the sharding plan cannot make fit, as config problems: over MAX_RESOURCES_PER_STACK,
 * over the plan budget (a split hall's part is over only when one SU alone is), or named like
 * another stack (a hall id ending in -part-<n> next to a split hall).
 */
export function oversizedStacks(
  config: ColossusConfig,
  plans: readonly StackPlan[] = planStacks(config),
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Map<string, string>();
  for (const plan of plans) {
    const s = { name: plan.name, ...stackResourceCount(config, plan) };
    const what = plan.layer === 'compute' && plan.parts > 1 ? `part ${plan.part} of hall ${plan.hall.id}` : plan.layer;
    const earlier = seen.get(plan.name);
    if (earlier) {
      problems.push({
        path: s.path,
        message: `makes stack ${s.name} for ${what}, a name ${earlier} already has (rule: stack names are unique; a split hall's later parts are named <hall>-part-<n>); rename the hall`,
      });
    } else seen.set(plan.name, what);
    if (s.count > MAX_RESOURCES_PER_STACK) {
      problems.push({
        path: s.path,
        message: `makes stack ${s.name} ${s.count} resources, over the limit of ${MAX_RESOURCES_PER_STACK} per stack (rule: stack size; Terraform plan time grows with the resources in one state); split the hall or reduce it`,
      });
    } else if (s.planSeconds > PLAN_BUDGET_SECONDS) {
      problems.push({
        path: s.path,
        message: `makes stack ${s.name} plan in an estimated ${s.planSeconds.toFixed(1)} s, over the budget of ${PLAN_BUDGET_SECONDS} s per stack (rule: plan cost, stacks/plan-cost.json); reduce it`,
      });
    }
  }
  return problems;
}
