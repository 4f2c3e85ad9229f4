import { proveIsolation, type StackJson } from '../../policy/isolation';
import { formatLeak, formatMatrix } from '../../policy/isolation/report';
import { MAX_RESOURCES_PER_STACK } from '../../stacks/sharding';
import { tenancyOutputs } from '../../stacks/outputs';
import { resourceCount, resourcesOf, synthEnvironment, type SynthesizedEnvironment } from '../helpers/synth';

// Each environment is synthesized once for the whole file (prod takes seconds).
const environments: Record<string, SynthesizedEnvironment> = Object.fromEntries(
  ['dev', 'staging', 'prod'].map((name) => [name, synthEnvironment(name)]),
);

describe.each(Object.keys(environments))('%s environment', (name) => {
  const env = environments[name]!;
  const report = proveIsolation(env.stacks as Map<string, StackJson>);
  const tenants = env.config.clusters.flatMap((c) => c.tenants.map((t) => t.id));

  it('proves every tenant isolated from every other, with no false alarm', () => {
    expect(report.leaks.map(formatLeak)).toEqual([]);
    expect(report.tenants).toEqual([...tenants].sort());
    const matrix = formatMatrix(report);
    expect(matrix.match(/isolated/g)).toHaveLength(tenants.length * (tenants.length - 1));
  });

  it('has one tenancy stack per cluster with tenants, under the resource limit', () => {
    for (const cluster of env.config.clusters) {
      const json = env.stacks.get(`${name}-${cluster.id}-tenancy`);
      expect(json).toBeDefined();
      expect(resourceCount(json!)).toBeLessThanOrEqual(MAX_RESOURCES_PER_STACK);
      expect(Object.keys(resourcesOf(json!, 'aws_vpc'))).toHaveLength(cluster.tenants.length);
      expect(Object.keys(resourcesOf(json!, 'aws_ec2_transit_gateway'))).toHaveLength(1);
      expect(Object.keys(resourcesOf(json!, 'aws_ec2_transit_gateway_route_table'))).toHaveLength(
        cluster.tenants.length + 1,
      );
      const subnets = cluster.tenants.reduce((n, t) => n + t.allocations.length, 0);
      expect(Object.keys(resourcesOf(json!, 'aws_subnet'))).toHaveLength(subnets);
    }
  });

  it("places every tenant SU in its tenant's subnet and groups, and every spare SU in the hall fabric", () => {
    for (const cluster of env.config.clusters) {
      for (const hall of cluster.halls) {
        const json = env.stacks.get(`${name}-${cluster.id}-compute-${hall.id}`)!;
        for (const lt of Object.values(resourcesOf(json, 'aws_launch_template'))) {
          const tenant = (lt.tags as Record<string, string>).tenant!;
          const nics = lt.network_interfaces as { subnet_id: string; security_groups: string[] }[];
          for (const nic of nics) {
            if (tenant === 'unallocated') {
              expect(nic.subnet_id).toBe(
                `\${data.terraform_remote_state.network.outputs.${hall.id.replace(/-/g, '_')}_fabric_subnet_id}`,
              );
            } else {
              expect(nic.subnet_id).toBe(
                `\${data.terraform_remote_state.tenancy.outputs.${tenancyOutputs.subnetId(tenant, hall.id)}}`,
              );
              expect(nic.security_groups).toContain(
                `\${data.terraform_remote_state.tenancy.outputs.${tenancyOutputs.efaSecurityGroupId(tenant)}}`,
              );
            }
          }
        }
      }
    }
  });
});
