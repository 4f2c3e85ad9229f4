import type { Construct } from 'constructs';
import type { TerraformStack } from 'cdktf';
import type { ColossusConfig } from '../config/schema';
import { ComputeStack } from './compute-stack';
import { NetworkStack } from './network-stack';
import { planStacks, stackName } from './sharding';

/** Builds every stack the sharding plan lists, in order. */
export function buildStacks(scope: Construct, config: ColossusConfig): TerraformStack[] {
  const env = config.environment.name;
  return planStacks(config).map((plan) => {
    switch (plan.layer) {
      case 'network':
        return new NetworkStack(scope, plan.name, { config, cluster: plan.cluster });
      case 'compute':
        return new ComputeStack(scope, plan.name, {
          config,
          cluster: plan.cluster,
          hall: plan.hall,
          networkStack: stackName(env, plan.cluster.id, 'network'),
        });
    }
  });
}
