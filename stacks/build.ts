import type { Construct } from 'constructs';
import { Aspects, type TerraformStack } from 'cdktf';
import type { ColossusConfig } from '../config/schema';
import type { Target } from '../config/target';
import { ComputeStack } from './compute-stack';
import { NetworkStack } from './network-stack';
import { TenancyStack } from './tenancy-stack';
import { AlertingStack } from './alerting-stack';
import { MonitoringStack } from './monitoring-stack';
import { planStacks, stackName } from './sharding';
import { BootstrapStack } from './bootstrap-stack';
import { AuditStack } from './audit-stack';
import { complianceAspectFor } from '../policy/from-config';
import { expectedUnits } from '../policy/expected-units';
import { ColossusStack } from './colossus-stack';
import { checkTargetRules } from '../config/rules';
import { ColossusError } from '../config/errors';

/** Builds every stack the sharding plan lists, in order. */
export function buildStacks(
  scope: Construct,
  config: ColossusConfig,
  target: Target = { kind: 'aws' },
): TerraformStack[] {
  const env = config.environment.name;
  const misfit = checkTargetRules(config.environment, target.kind);
  if (misfit.length > 0) {
    throw new ColossusError(
      'invalid target',
      misfit.map((p) => `${p.path.join('.')}: ${p.message}`),
    );
  }
  // Every stack gets these; spread them first in each case below.
  const common = { config, target };
  const compliance = complianceAspectFor(config).expect(expectedUnits(config));
  const stacks = planStacks(config).map((plan): TerraformStack => {
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
        });
      case 'alerting':
        return new AlertingStack(scope, plan.name, { ...common, cluster: plan.cluster });
      case 'audit':
        return new AuditStack(scope, plan.name, common);
      case 'monitoring':
        return new MonitoringStack(scope, plan.name, {
          ...common,
          cluster: plan.cluster,
          hall: plan.hall,
          alertingStack: stackName(env, plan.cluster.id, 'alerting'),
        });
    }
  });
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
  // Every stack runs the compliance rule pack at synth (policy/), tests included.
  for (const stack of stacks) Aspects.of(stack).add(compliance);
  return stacks;
}
