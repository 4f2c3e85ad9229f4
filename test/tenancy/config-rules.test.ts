import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../config/load';
import { planTenantSubnets, tenantSubnetPrefix } from '../../config/tenant-address-plan';
import type { ClusterConfig } from '../../config/schema';
import { configFromYaml } from '../helpers/synth';

interface RawTenant {
  id: string;
  cidr: string;
  allocations: { hall: string; firstUnit: number; scalableUnits: number }[];
  [key: string]: unknown;
}
interface RawConfig {
  clusters: {
    id: string;
    tenants: RawTenant[];
    halls: { id: string; scalableUnits: number }[];
    [key: string]: unknown;
  }[];
  [key: string]: unknown;
}

const devText = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8');

function problemsOf(edit: (raw: RawConfig) => void): string[] {
  const raw = parse(devText) as RawConfig;
  edit(raw);
  try {
    configFromYaml(stringify(raw));
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('tenant config rules', () => {
  it('accepts the dev environment as it is', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  it('rejects a tenant without scalable units', () => {
    const problems = problemsOf((raw) => {
      raw.clusters[0]!.tenants[0]!.allocations = [];
    });
    expect(problems).toContain(
      'clusters[colossus-1].tenants[lab-alpha].allocations: tenant lab-alpha has no scalable units; allocate at least one SU in a hall (a tenant without units would get an empty network)',
    );
  });

  it('rejects a tenant CIDR that collides with shared services', () => {
    const problems = problemsOf((raw) => {
      raw.clusters[0]!.tenants[0]!.cidr = '10.0.16.0/20';
    });
    expect(problems).toContain(
      'clusters[colossus-1].tenants[lab-alpha].cidr: 10.0.16.0/20 (tenant lab-alpha) collides with the shared-services block 10.0.0.0/16 (addressPlan.platformCidr); a tenant CIDR must not overlap shared services',
    );
  });

  it('rejects the same tenant id in two clusters', () => {
    const problems = problemsOf((raw) => {
      raw.clusters[1]!.tenants[0]!.id = 'lab-alpha';
    });
    expect(problems).toContain(
      'clusters[colossus-2].tenants[lab-alpha].id: tenant "lab-alpha" is already defined in cluster colossus-1; a tenant id may appear in one cluster only, because its IAM role, KMS alias and data bucket names are account-wide',
    );
  });

  it('rejects a tenant id that makes an account-wide name longer than AWS allows', () => {
    const env = 'capacity-pool-staging-east';
    const id = 'frontier-model-lab-research-east';
    const problems = problemsOf((raw) => {
      (raw.environment as { name: string }).name = env;
      raw.clusters[0]!.tenants[0]!.id = id;
    });
    const at = `clusters[colossus-1].tenants[${id}].id`;
    expect(problems).toEqual([
      `${at}: makes the tenant's IAM role name "${env}-${id}-tenant" 66 characters long, over AWS's limit of 64; shorten the tenant id or the environment name`,
      `${at}: makes the tenant's data bucket name "${env}-${id}-data-111111111111" 77 characters long, over AWS's limit of 63; shorten the tenant id or the environment name`,
      // The tenant's flow-log delivery role was not checked before (issue 10).
      `${at}: makes the IAM role name "${env}-colossus-1-${id}-flow-logs", which is 80 characters long; AWS allows 1-64 (IAM API Reference, CreateRole (RoleName: 1-64, [\\w+=,.@-]+))`,
      // The role its GPU nodes run as (issue 16).
      `${at}: makes the IAM role name "${env}-colossus-1-${id}-gpu-node", which is 79 characters long; AWS allows 1-64 (IAM API Reference, CreateRole (RoleName: 1-64, [\\w+=,.@-]+))`,
    ]);
  });

  it('rejects a tenant CIDR too small for a subnet per hall it has units in', () => {
    const problems = problemsOf((raw) => {
      const cluster = raw.clusters[1]!;
      cluster.halls.push({
        ...cluster.halls[0]!,
        id: 'hall-b',
        availabilityZone: 'us-east-1c',
        fabricCidr: '10.17.1.0/24',
      } as never);
      cluster.tenants[0]!.cidr = '10.24.0.0/26';
      cluster.tenants[0]!.allocations.push({ hall: 'hall-b', firstUnit: 0, scalableUnits: 1 });
    });
    expect(problems).toContain(
      'clusters[colossus-2].tenants[lab-delta].cidr: a hall of colossus-2 holds up to 2 SUs of 18 nodes, so each tenant subnet is a /26; 10.24.0.0/26 holds 1 of them but the tenant has SUs in 2 halls (hall-a, hall-b); the tenant CIDR must hold one subnet per hall the tenant has SUs in',
    );
  });
});

describe('tenant address plan', () => {
  const cluster = (halls: number[], nodesPerRack = 8, racks = 8): ClusterConfig =>
    ({
      id: 'colossus-1',
      fabric: { nodesPerRack, racksPerScalableUnit: racks },
      halls: halls.map((scalableUnits, i) => ({ id: `hall-${i}`, scalableUnits })),
    }) as unknown as ClusterConfig;
  const tenant = (cidr: string, halls: string[]) =>
    ({ id: 't', cidr, allocations: halls.map((hall) => ({ hall, firstUnit: 0, scalableUnits: 1 })) }) as never;

  it('sizes every subnet for the largest hall, plus the addresses AWS reserves', () => {
    // 98 SUs x 64 nodes = 6,272 nodes + 5 reserved: a /19 (8,192).
    expect(tenantSubnetPrefix(cluster([98, 10]))).toBe(19);
    // 64 nodes + 5 = 69: a /25 (128), not a /26 (64).
    expect(tenantSubnetPrefix(cluster([1]))).toBe(25);
    // Tiny halls still get the smallest subnet AWS allows.
    expect(tenantSubnetPrefix(cluster([1], 1, 1))).toBe(28);
  });

  it('carves one subnet per allocation, in allocation order', () => {
    expect(planTenantSubnets(cluster([98, 98, 98]), tenant('10.4.0.0/16', ['hall-2', 'hall-0']))).toEqual({
      ok: true,
      prefix: 19,
      subnets: [
        { hallId: 'hall-2', cidr: '10.4.0.0/19' },
        { hallId: 'hall-0', cidr: '10.4.32.0/19' },
      ],
    });
  });

  it('says why a plan does not fit', () => {
    const plan = planTenantSubnets(cluster([98]), tenant('10.4.0.0/18', ['hall-0', 'hall-1', 'hall-2']));
    expect(plan).toEqual({
      ok: false,
      reason:
        'a hall of colossus-1 holds up to 98 SUs of 64 nodes, so each tenant subnet is a /19; 10.4.0.0/18 holds 2 of them but the tenant has SUs in 3 halls (hall-0, hall-1, hall-2)',
    });
    expect(planTenantSubnets(cluster([2000]), tenant('10.0.0.0/8', ['hall-0']))).toEqual({
      ok: false,
      reason:
        'a hall of colossus-1 holds up to 2000 SUs of 64 nodes, so each tenant subnet is a /15, larger than the /16 AWS allows',
    });
  });
});
