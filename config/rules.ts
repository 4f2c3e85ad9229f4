import { AWS_RESERVED_PER_SUBNET, cidrContains, cidrSize, cidrsOverlap, isCanonicalIpv4Cidr } from './cidr';
import { overlongAccountNames, tenantAccountNames } from './account-names';
import { INSTANCE_TYPES } from './instance-types';
import { allocatedGpus, nodesPerScalableUnit } from './capacity';
import { planTenantSubnets } from './tenant-address-plan';
import { AWS_REGIONS } from './aws-limits';
import { checkResourceNames } from './resource-names';
import type { ColossusConfig, ClusterConfig, EnvironmentConfig } from './schema';

/** A broken rule: where it is (a config path) and what the rule says. */
export interface Problem {
  readonly path: (string | number)[];
  readonly message: string;
}

type Path = (string | number)[];

const ACCOUNT_NAME_WHAT = { role: 'IAM role name', keyAlias: 'KMS alias name', bucket: 'data bucket name' } as const;

function duplicates<T>(items: readonly T[], key: (item: T) => string): Map<number, number> {
  // index of each repeat -> index of the first occurrence
  const first = new Map<string, number>();
  const repeats = new Map<number, number>();
  items.forEach((item, index) => {
    const k = key(item);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, index);
    else repeats.set(index, seen);
  });
  return repeats;
}

export function checkEnvironmentRules(config: ColossusConfig): Problem[] {
  const problems: Problem[] = [];
  // Real environments never lose a resource or its protection to please the emulator.
  const env = config.environment;
  if (env.runsOn !== 'emulator') {
    if (env.emulatorGaps.length > 0) {
      problems.push({
        path: ['environment', 'emulatorGaps'],
        message: `switches off ${env.emulatorGaps.join(', ')}, but only an environment with runsOn: emulator may leave out resources the emulator lacks; a real environment keeps every resource`,
      });
    }
    if (!env.protectStatefulResources) {
      problems.push({
        path: ['environment', 'protectStatefulResources'],
        message:
          'only an environment with runsOn: emulator may drop prevent_destroy; a real environment keeps its state, keys, log groups and buckets protected',
      });
    }
  }
  // The delivery roles live in the bootstrap stack, which only an S3 backend has; a local
  // state file is on one machine, so no pipeline job could plan or apply against it anyway.
  if (env.delivery && env.backend.type !== 's3') {
    problems.push({
      path: ['environment', 'delivery'],
      message:
        'GitHub delivery needs an S3 backend: its roles are created by the bootstrap stack, and pipeline jobs share state through the bucket; this environment keeps its state locally',
    });
  }
  for (const [index, firstIndex] of duplicates(config.clusters, (c) => c.id)) {
    problems.push({
      path: ['clusters', index, 'id'],
      message: `duplicate cluster id "${config.clusters[index]?.id}" (first used at clusters[${firstIndex}]); cluster ids must be unique`,
    });
  }
  // Tenant roles, keys and buckets have account-wide names, so a tenant id names one tenant only.
  const tenantSites = config.clusters.flatMap((cluster, clusterIndex) =>
    cluster.tenants.map((tenant, tenantIndex) => ({ cluster: cluster.id, clusterIndex, tenantIndex, id: tenant.id })),
  );
  const firstSite = new Map<string, (typeof tenantSites)[number]>();
  for (const site of tenantSites) {
    const first = firstSite.get(site.id);
    if (!first) firstSite.set(site.id, site);
    else if (first.clusterIndex !== site.clusterIndex) {
      problems.push({
        path: ['clusters', site.clusterIndex, 'tenants', site.tenantIndex, 'id'],
        message: `tenant "${site.id}" is already defined in cluster ${first.cluster}; a tenant id may appear in one cluster only, because its IAM role, KMS alias and data bucket names are account-wide`,
      });
    }
  }
  const reported = new Set<string>();
  for (const site of tenantSites) {
    const names = tenantAccountNames(env.name, site.id, env.accountId);
    for (const { kind, name, limit } of overlongAccountNames(names)) {
      reported.add(name);
      problems.push({
        path: ['clusters', site.clusterIndex, 'tenants', site.tenantIndex, 'id'],
        message: `makes the tenant's ${ACCOUNT_NAME_WHAT[kind]} "${name}" ${name.length} characters long, over AWS's limit of ${limit}; shorten the tenant id or the environment name`,
      });
    }
  }
  // Every other name the stacks build, against AWS's rule for its kind.
  for (const problem of checkResourceNames(config)) {
    if (![...reported].some((name) => problem.message.includes(`"${name}"`) && /characters long/.test(problem.message)))
      problems.push(problem);
  }
  problems.push(...checkAcrossClusters(config), ...checkReservedIds(config));
  return problems;
}

/**
 * Ids that would collide with a construct id the stacks use beside them, or with a word the
 * model gives a meaning. Tenant boundaries sit in the tenancy stack beside the provider
 * ("aws"), the backend ("backend"), the network remote state ("network") and the Transit
 * Gateway ("transit-hub"); spare SUs are tagged tenant "unallocated". Feed monitors sit beside
 * the cluster's "redundancy-lost" alarm.
 */
export const RESERVED_IDS = {
  tenant: ['unallocated', 'aws', 'backend', 'network', 'transit-hub'],
  feed: ['redundancy-lost'],
} as const;

function checkReservedIds(config: ColossusConfig): Problem[] {
  const problems: Problem[] = [];
  config.clusters.forEach((cluster, c) => {
    cluster.tenants.forEach((tenant, t) => {
      if ((RESERVED_IDS.tenant as readonly string[]).includes(tenant.id)) {
        problems.push({
          path: ['clusters', c, 'tenants', t, 'id'],
          message: `"${tenant.id}" is reserved (rule: reserved ids ${RESERVED_IDS.tenant.join(', ')}): ${tenant.id === 'unallocated' ? 'it names the spare pool of a hall' : 'the tenancy stack uses it for its own construct'}; choose another tenant id`,
        });
      }
    });
    cluster.power.feeds.forEach((feed, f) => {
      if ((RESERVED_IDS.feed as readonly string[]).includes(feed.id)) {
        problems.push({
          path: ['clusters', c, 'power', 'feeds', f, 'id'],
          message: `"${feed.id}" is reserved (rule: reserved ids ${RESERVED_IDS.feed.join(', ')}): the power monitor uses it for the cluster's composite alarm; choose another feed id`,
        });
      }
    });
  });
  return problems;
}

/** Clusters of one environment share an account and a Transit Gateway-free address space: supernets stay apart. */
function checkAcrossClusters(config: ColossusConfig): Problem[] {
  const problems: Problem[] = [];
  config.clusters.forEach((cluster, index) => {
    const supernet = cluster.addressPlan.supernet;
    if (!isCanonicalIpv4Cidr(supernet)) return;
    config.clusters.slice(0, index).forEach((other) => {
      const theirs = other.addressPlan.supernet;
      if (isCanonicalIpv4Cidr(theirs) && cidrsOverlap(supernet, theirs)) {
        problems.push({
          path: ['clusters', index, 'addressPlan', 'supernet'],
          message: `${supernet} overlaps the supernet ${theirs} of cluster ${other.id}; cluster supernets must be disjoint (rule: one address space per cluster)`,
        });
      }
    });
  });
  return problems;
}

/** The architecture an SSM image parameter names in its path, if any. */
export function imageArchitecture(parameter: string): 'x86_64' | 'arm64' | undefined {
  const names = (words: string) => new RegExp(`(^|[/.-])(${words})($|[/.-])`, 'i');
  const x86 = names('x86_64|amd64').test(parameter);
  const arm = names('arm64|aarch64').test(parameter);
  return x86 === arm ? undefined : x86 ? 'x86_64' : 'arm64';
}

interface NamedBlock {
  readonly path: Path;
  readonly cidr: string;
  readonly what: string;
  readonly sharedServices?: boolean;
}

export function checkClusterRules(cluster: ClusterConfig, environment: EnvironmentConfig, base: Path): Problem[] {
  const problems: Problem[] = [];
  const at = (...rest: Path): Path => [...base, ...rest];
  const { supernet, platformCidr } = cluster.addressPlan;

  // Fabric: the node shape must match the instance type it claims to be.
  const spec = INSTANCE_TYPES[cluster.fabric.instanceType];
  if (cluster.fabric.gpusPerNode !== spec.gpus) {
    problems.push({
      path: at('fabric', 'gpusPerNode'),
      message: `${cluster.fabric.instanceType} has ${spec.gpus} GPUs per node, not ${cluster.fabric.gpusPerNode}; gpusPerNode must match the instance type`,
    });
  }

  // The image must be built for the fabric's CPU; the parameter path names the architecture.
  const imageArch = imageArchitecture(cluster.fabric.imageSsmParameter);
  if (imageArch === undefined) {
    problems.push({
      path: at('fabric', 'imageSsmParameter'),
      message: `${cluster.fabric.imageSsmParameter} names no CPU architecture (x86_64, amd64, arm64 or aarch64) in its path, so it cannot be checked against ${cluster.fabric.instanceType} (${spec.architecture}); use a parameter whose path names it`,
    });
  } else if (imageArch !== spec.architecture) {
    problems.push({
      path: at('fabric', 'imageSsmParameter'),
      message: `${cluster.fabric.imageSsmParameter} is an ${imageArch} image but ${cluster.fabric.instanceType} is ${spec.architecture}; the image architecture must match the instance type`,
    });
  }

  // Halls.
  for (const [index, firstIndex] of duplicates(cluster.halls, (h) => h.id)) {
    problems.push({
      path: at('halls', index, 'id'),
      message: `duplicate hall id "${cluster.halls[index]?.id}" (first used at halls[${firstIndex}]); hall ids must be unique in a cluster`,
    });
  }
  const nodesPerUnit = nodesPerScalableUnit(cluster.fabric);
  const zoneLetters = AWS_REGIONS[environment.region] ?? [];
  cluster.halls.forEach((hall, index) => {
    if (!hall.availabilityZone.startsWith(environment.region)) {
      problems.push({
        path: at('halls', index, 'availabilityZone'),
        message: `${hall.availabilityZone} is not in the environment region ${environment.region}; a hall's zone must be in the region`,
      });
    } else if (
      zoneLetters.length > 0 &&
      !zoneLetters.includes(hall.availabilityZone.slice(environment.region.length))
    ) {
      problems.push({
        path: at('halls', index, 'availabilityZone'),
        message: `${hall.availabilityZone} is not an availability zone of ${environment.region}, which has ${zoneLetters.map((l) => environment.region + l).join(', ')} (to add one, see AWS_REGIONS in config/aws-limits.ts)`,
      });
    }
    const needed = hall.scalableUnits * nodesPerUnit + AWS_RESERVED_PER_SUBNET;
    if (isCanonicalIpv4Cidr(hall.fabricCidr) && cidrSize(hall.fabricCidr) < needed) {
      problems.push({
        path: at('halls', index, 'fabricCidr'),
        message: `${hall.fabricCidr} holds ${cidrSize(hall.fabricCidr)} addresses but the hall's ${hall.scalableUnits} SUs need ${needed} (one per node plus ${AWS_RESERVED_PER_SUBNET} AWS reserves); the fabric block must fit every node`,
      });
    }
  });

  // Address plan: every block inside the supernet, no two blocks overlapping. Blocks that
  // failed the CIDR syntax check are already reported and left out here.
  const supernetValid = isCanonicalIpv4Cidr(supernet);
  const allBlocks: NamedBlock[] = [
    { path: at('addressPlan', 'platformCidr'), cidr: platformCidr, what: 'the platform VPC', sharedServices: true },
    ...cluster.halls.map((hall, index) => ({
      path: at('halls', index, 'fabricCidr'),
      cidr: hall.fabricCidr,
      what: `hall ${hall.id} fabric`,
    })),
    ...cluster.tenants.map((tenant, index) => ({
      path: at('tenants', index, 'cidr'),
      cidr: tenant.cidr,
      what: `tenant ${tenant.id}`,
    })),
  ];
  const blocks = allBlocks.filter((b) => isCanonicalIpv4Cidr(b.cidr));
  blocks.forEach((b, index) => {
    if (supernetValid && !cidrContains(supernet, b.cidr)) {
      problems.push({
        path: b.path,
        message: `${b.cidr} (${b.what}) is outside the cluster supernet ${supernet}; every block must lie inside the supernet`,
      });
    }
    for (const other of blocks.slice(0, index)) {
      if (cidrsOverlap(b.cidr, other.cidr)) {
        problems.push({
          path: b.path,
          message:
            other.sharedServices && b.path.includes('tenants')
              ? `${b.cidr} (${b.what}) collides with the shared-services block ${other.cidr} (addressPlan.platformCidr); a tenant CIDR must not overlap shared services`
              : `${b.cidr} (${b.what}) overlaps ${other.cidr} (${other.what}); address blocks must not overlap`,
        });
      }
    }
  });

  // Tenants.
  for (const [index, firstIndex] of duplicates(cluster.tenants, (t) => t.id)) {
    problems.push({
      path: at('tenants', index, 'id'),
      message: `duplicate tenant id "${cluster.tenants[index]?.id}" (first used at tenants[${firstIndex}]); tenant ids must be unique in a cluster`,
    });
  }
  const hallIds = new Set(cluster.halls.map((h) => h.id));
  const allocatedPerHall = new Map<string, number>();
  cluster.tenants.forEach((tenant, tenantIndex) => {
    if (tenant.allocations.length === 0) {
      problems.push({
        path: at('tenants', tenantIndex, 'allocations'),
        message: `tenant ${tenant.id} has no scalable units; allocate at least one SU in a hall (a tenant without units would get an empty network)`,
      });
    } else if (isCanonicalIpv4Cidr(tenant.cidr) && tenant.allocations.every((a) => hallIds.has(a.hall))) {
      const plan = planTenantSubnets(cluster, tenant);
      if (!plan.ok) {
        problems.push({
          path: at('tenants', tenantIndex, 'cidr'),
          message: `${plan.reason}; the tenant CIDR must hold one subnet per hall the tenant has SUs in`,
        });
      }
    }
    for (const [index] of duplicates(tenant.allocations, (a) => a.hall)) {
      problems.push({
        path: at('tenants', tenantIndex, 'allocations', index, 'hall'),
        message: `hall "${tenant.allocations[index]?.hall}" is allocated twice to tenant ${tenant.id}; give one allocation per hall`,
      });
    }
    tenant.allocations.forEach((allocation, index) => {
      if (!hallIds.has(allocation.hall)) {
        problems.push({
          path: at('tenants', tenantIndex, 'allocations', index, 'hall'),
          message: `unknown hall "${allocation.hall}"; known halls: ${[...hallIds].join(', ')}`,
        });
        return;
      }
      allocatedPerHall.set(allocation.hall, (allocatedPerHall.get(allocation.hall) ?? 0) + allocation.scalableUnits);
    });
    const allocated = allocatedGpus(tenant, cluster.fabric);
    if (tenant.contractedGpus > allocated) {
      problems.push({
        path: at('tenants', tenantIndex, 'contractedGpus'),
        message: `tenant ${tenant.id} is contracted for ${tenant.contractedGpus} GPUs but its allocation holds ${allocated}; contracted GPUs must not exceed the allocation`,
      });
    }
  });
  cluster.halls.forEach((hall, index) => {
    const allocated = allocatedPerHall.get(hall.id) ?? 0;
    if (allocated > hall.scalableUnits) {
      problems.push({
        path: at('halls', index, 'scalableUnits'),
        message: `hall ${hall.id} holds ${hall.scalableUnits} SUs but tenants are allocated ${allocated}; allocations must fit the hall`,
      });
    }
  });

  return problems;
}

/**
 * An emulator environment may lack resources and protection, so it never goes to AWS. It
 * synthesizes only for the emulator, or offline for validate and plan.
 */
export function checkTargetRules(
  environment: EnvironmentConfig,
  targetKind: 'aws' | 'offline' | 'emulator',
): Problem[] {
  if (environment.runsOn === 'emulator' && targetKind === 'aws') {
    return [
      {
        path: ['environment', 'runsOn'],
        message: `environment ${environment.name} runs on the emulator and may not be deployed to AWS; set COLOSSUS_TARGET=emulator (with COLOSSUS_EMULATOR_ENDPOINT) or COLOSSUS_TARGET=offline`,
      },
    ];
  }
  return [];
}
