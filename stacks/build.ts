import type { Construct } from 'constructs';
import { Aspects, type TerraformStack } from 'cdktf';
import type { ColossusConfig } from '../config/schema';
import type { Target } from '../config/target';
import { ComputeStack } from './compute-stack';
import { NetworkStack } from './network-stack';
import { TenancyStack } from './tenancy-stack';
import { AlertingStack } from './alerting-stack';
import { MonitoringStack } from './monitoring-stack';
import { CapacityStack } from './capacity-stack';
import { planStacks, stackName, type StackPlan } from './sharding';
import { tenancyOutputs } from './outputs';
import { BootstrapStack } from './bootstrap-stack';
import { AuditStack } from './audit-stack';
import { complianceAspectFor, unknownSuppressionPaths } from '../policy/from-config';
import { expectedUnits } from '../policy/expected-units';
import type { StackReport } from '../policy/model';
import { ColossusStack } from './colossus-stack';
import { checkTargetRules } from '../config/rules';
import { ColossusError } from '../config/errors';
import { ConfigError, configSourceOf, formatPath } from '../config/load';
import { oversizedStacks } from './resource-count';
import { withUpstream } from './selection';

/**
 * Checks that need the target or the sharding plan, before any construct is built: the
 * target suits the environment, and no stack would grow past MAX_RESOURCES_PER_STACK
 * (counted from config, in milliseconds). Errors name the environment file and the field.
 */
export function preflight(
  config: ColossusConfig,
  target: Target = { kind: 'aws' },
  plans: readonly StackPlan[] = planStacks(config),
): void {
  const misfit = checkTargetRules(config.environment, target.kind);
  if (misfit.length > 0) {
    throw new ColossusError(
      `invalid target for ${configSourceOf(config)}`,
      misfit.map((p) => `${formatPath(p.path, config)}: ${p.message}`),
    );
  }
  const problems = [...oversizedStacks(config, plans), ...outputCollisions(config)];
  if (problems.length > 0) {
    throw new ConfigError(
      configSourceOf(config),
      problems.map((p) => `${formatPath(p.path, config)}: ${p.message}`),
    );
  }
}

/**
 * Output names join ids with "_" (stacks/outputs.ts), so tenant "lab" in hall "a-b" and
 * tenant "lab-a" in hall "b" would both publish lab_a_b_subnet_id: two constructs with one id.
 */
function outputCollisions(config: ColossusConfig): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  config.clusters.forEach((cluster, c) => {
    const first = new Map<string, string>();
    cluster.tenants.forEach((tenant, t) => {
      tenant.allocations.forEach((allocation, a) => {
        const name = tenancyOutputs.subnetId(tenant.id, allocation.hall);
        const what = `tenant ${tenant.id} in hall ${allocation.hall}`;
        const earlier = first.get(name);
        if (earlier) {
          problems.push({
            path: ['clusters', c, 'tenants', t, 'allocations', a, 'hall'],
            message: `${what} makes the tenancy output ${name}, as ${earlier} does (rule: construct ids are unique in a stack); rename the tenant or the hall`,
          });
        } else first.set(name, what);
      });
    });
  });
  return problems;
}

/** Two config ids that make one construct id, caught where the construct library refuses it. */
function sameConstructId(error: unknown, config: ColossusConfig): ConfigError | undefined {
  const match =
    error instanceof Error ? /There is already a Construct with name '([^']*)' in (\S+)/.exec(error.message) : null;
  if (!match) return undefined;
  return new ConfigError(configSourceOf(config), [
    `(ids): two ids of the environment make the same construct id "${match[1]}" in ${match[2]} (rule: construct ids are unique); rename one of them`,
  ]);
}

export interface BuildOptions {
  /** The path from a stack's working folder to the project's .state folder (default: DEFAULT_STATE_DIR). */
  readonly stateDir?: string;
  /**
   * Synthesize only these stacks and the stacks they read (stacks/selection.ts). Every stack is
   * still built, which is cheap, so config checks and the upstream graph see the whole
   * environment; the others are then taken out of the app before synth, which is not cheap.
   */
  readonly only?: readonly string[];
  /** Each stack's compliance report, as soon as synth has made it (policy/reports/writer.ts). */
  readonly onReport?: (report: StackReport) => void;
  /** The sharding plan of this config, when the caller already has it (planStacks is not free in prod). */
  readonly plans?: readonly StackPlan[];
}

/** Builds every stack the sharding plan lists, in order. */
export function buildStacks(
  scope: Construct,
  config: ColossusConfig,
  target: Target = { kind: 'aws' },
  options: BuildOptions = {},
): TerraformStack[] {
  const env = config.environment.name;
  const plans = options.plans ?? planStacks(config);
  preflight(config, target, plans);
  // Every stack gets these; spread them first in each case below.
  const common = { config, target, ...(options.stateDir ? { stateDir: options.stateDir } : {}) };
  const compliance = complianceAspectFor(config).expect(expectedUnits(config, plans));
  if (options.onReport) compliance.onReport(options.onReport);
  const build = (plan: StackPlan): TerraformStack => {
    try {
      return buildOne(plan);
    } catch (error) {
      throw sameConstructId(error, config) ?? error;
    }
  };
  const buildOne = (plan: StackPlan): TerraformStack => {
    switch (plan.layer) {
      case 'bootstrap':
        return new BootstrapStack(scope, plan.name, common);
      case 'network':
        return new NetworkStack(scope, plan.name, { ...common, cluster: plan.cluster });
      case 'tenancy':
        return new TenancyStack(scope, plan.name, {
          ...common,
          cluster: plan.cluster,
          networkStack: stackName(env, plan.cluster.id, 'network'),
        });
      case 'compute':
        return new ComputeStack(scope, plan.name, {
          ...common,
          cluster: plan.cluster,
          hall: plan.hall,
          networkStack: stackName(env, plan.cluster.id, 'network'),
          tenancyStack: stackName(env, plan.cluster.id, 'tenancy'),
          units: plan.units,
          part: plan.part,
          parts: plan.parts,
          hallStack: plan.hallStack,
        });
      case 'alerting':
        return new AlertingStack(scope, plan.name, { ...common, cluster: plan.cluster });
      case 'audit':
        return new AuditStack(scope, plan.name, common);
      case 'capacity':
        return new CapacityStack(scope, plan.name, {
          ...common,
          cluster: plan.cluster,
          alertingStack: stackName(env, plan.cluster.id, 'alerting'),
        });
      case 'monitoring':
        return new MonitoringStack(scope, plan.name, {
          ...common,
          cluster: plan.cluster,
          hall: plan.hall,
          alertingStack: stackName(env, plan.cluster.id, 'alerting'),
          part: plan.part,
          hallParts: plan.hallParts,
        });
    }
  };
  const stacks = plans.map(build);
  // Remote state reads become stack dependencies, so `cdktf deploy` orders the stacks itself;
  // every stack keeps its state in the bucket the bootstrap stack creates.
  const byName = new Map(stacks.map((s) => [s.node.id, s]));
  const bootstrap = stacks.find((s) => s instanceof BootstrapStack);
  for (const stack of stacks) {
    if (!(stack instanceof ColossusStack)) continue;
    if (bootstrap) stack.addDependency(bootstrap);
    for (const name of stack.upstream) {
      const upstream = byName.get(name);
      if (upstream) stack.addDependency(upstream);
    }
  }
  // A config suppression that names no construct would be ignored: refuse it, before synth.
  const unknown = unknownSuppressionPaths(config, stacks);
  if (unknown.length > 0) {
    throw new ConfigError(
      configSourceOf(config),
      unknown.map((p) => `${formatPath(p.path, config)}: ${p.message}`),
    );
  }
  // Every stack runs the compliance rule pack at synth (policy/), tests included.
  for (const stack of stacks) Aspects.of(stack).add(compliance);
  if (!options.only) return stacks;
  const nodes = stacks.map((s) => ({ name: s.node.id, upstream: s instanceof ColossusStack ? s.upstream : [] }));
  const keep = new Set(withUpstream(nodes, options.only, env));
  for (const stack of stacks) if (!keep.has(stack.node.id)) scope.node.tryRemoveChild(stack.node.id);
  return stacks.filter((s) => keep.has(s.node.id));
}
