import { INSTANCE_TYPES } from './instance-types';
import { nodesPerScalableUnit } from './capacity';
import type { Problem } from './rules';
import type { ClusterConfig } from './schema';

type Path = (string | number)[];

/**
 * The fabric as EC2 provides it (config/instance-types.ts): a type whose facts are not all
 * confirmed is refused, capacity is bought the way AWS sells the type, and an UltraServer type's
 * SU holds whole UltraServers (an SU sits in one hall, so no UltraServer spans SUs or halls).
 */
export function checkFabricRules(cluster: ClusterConfig, base: Path): Problem[] {
  const problems: Problem[] = [];
  const at = (...rest: Path): Path => [...base, 'fabric', ...rest];
  const { fabric } = cluster;
  const spec = INSTANCE_TYPES[fabric.instanceType];

  if (spec.unconfirmed.length > 0) {
    problems.push({
      path: at('instanceType'),
      message: `${fabric.instanceType} is refused: its EC2 facts are not confirmed (${spec.unconfirmed.join('; ')}); a launch template is never built on a guess (see docs/instance-types.md)`,
    });
  }

  const sold: readonly string[] = spec.capacity;
  if (!sold.includes(fabric.capacity)) {
    problems.push({
      path: at('capacity'),
      message: `${fabric.instanceType} is not sold as ${fabric.capacity}; AWS sells it as ${spec.capacity.join(' or ')}, so capacity must be one of those`,
    });
  } else if (fabric.capacity === 'capacity-block' && !('ultraServer' in spec)) {
    // Capacity Reservation groups take UltraServer Capacity Blocks; instance blocks are not modeled.
    problems.push({
      path: at('capacity'),
      message: `capacity-block is modeled for UltraServer types only; ${fabric.instanceType} would need an instance Capacity Block, which this project does not model yet`,
    });
  }
  if ('ultraServer' in spec) {
    const nodes = nodesPerScalableUnit(fabric);
    const { instances, type } = spec.ultraServer;
    if (nodes % instances !== 0) {
      problems.push({
        path: at('nodesPerRack'),
        message: `an SU of ${fabric.nodesPerRack} nodes per rack x ${fabric.racksPerScalableUnit} racks is ${nodes} ${fabric.instanceType} instances, not a whole number of ${type} UltraServers (${instances} instances each, one NVLink domain); an SU must hold whole UltraServers`,
      });
    }
  }
  return problems;
}
