import { AWS_RESERVED_PER_SUBNET, cidrSubnet, parseIpv4Cidr } from './cidr';
import { nodesPerScalableUnit } from './capacity';
import type { ClusterConfig, TenantConfig } from './schema';

/** AWS accepts subnets from /16 to /28. */
export const LARGEST_SUBNET_PREFIX = 16;
export const SMALLEST_SUBNET_PREFIX = 28;

/**
 * Every tenant subnet of a cluster is sized for a full hall (the cluster's largest), so growing
 * an allocation never re-addresses a subnet that already holds running nodes.
 */
export function tenantSubnetPrefix(cluster: ClusterConfig): number {
  const nodesPerUnit = nodesPerScalableUnit(cluster.fabric);
  const largestHall = Math.max(...cluster.halls.map((h) => h.scalableUnits));
  const needed = largestHall * nodesPerUnit + AWS_RESERVED_PER_SUBNET;
  const prefix = 32 - Math.ceil(Math.log2(needed));
  return Math.min(prefix, SMALLEST_SUBNET_PREFIX);
}

export interface TenantSubnet {
  readonly hallId: string;
  readonly cidr: string;
}

export type TenantSubnetPlan =
  | { readonly ok: true; readonly prefix: number; readonly subnets: TenantSubnet[] }
  | { readonly ok: false; readonly reason: string };

/**
 * One subnet per hall the tenant has SUs in, carved from the tenant CIDR in allocation order:
 * allocation i gets the i-th block. Append new halls at the end to keep existing addresses.
 */
export function planTenantSubnets(cluster: ClusterConfig, tenant: TenantConfig): TenantSubnetPlan {
  const block = parseIpv4Cidr(tenant.cidr);
  if (!block) return { ok: false, reason: `${tenant.cidr} is not a canonical IPv4 CIDR` };
  const prefix = tenantSubnetPrefix(cluster);
  const halls = tenant.allocations.map((a) => a.hall);
  const sizing = `a hall of ${cluster.id} holds up to ${Math.max(...cluster.halls.map((h) => h.scalableUnits))} SUs of ${nodesPerScalableUnit(cluster.fabric)} nodes, so each tenant subnet is a /${prefix}`;
  if (prefix < LARGEST_SUBNET_PREFIX) {
    return { ok: false, reason: `${sizing}, larger than the /${LARGEST_SUBNET_PREFIX} AWS allows` };
  }
  if (prefix < block.prefix) {
    return { ok: false, reason: `${sizing}, larger than the tenant block ${tenant.cidr} itself` };
  }
  const capacity = 2 ** (prefix - block.prefix);
  if (halls.length > capacity) {
    return {
      ok: false,
      reason: `${sizing}; ${tenant.cidr} holds ${capacity} of them but the tenant has SUs in ${halls.length} halls (${halls.join(', ')})`,
    };
  }
  return {
    ok: true,
    prefix,
    subnets: halls.map((hallId, index) => ({ hallId, cidr: cidrSubnet(tenant.cidr, prefix - block.prefix, index) })),
  };
}
