import { proveIsolation, type Leak, type StackJson } from '../../policy/isolation';
import { assertIsolated, formatLeak } from '../../policy/isolation/report';
import { ColossusError } from '../../config/errors';
import { synthEnvironment } from '../helpers/synth';
import { addResource, body, cloneStacks, ref } from './mutate';

// Staging has two tenants per cluster; it is synthesized once, and each test mutates a copy
// of the JSON (never the config), as a hand edit or a faulty construct would.
const staging = synthEnvironment('staging');
const clean = staging.stacks as Map<string, StackJson>;
const cluster = staging.config.clusters.find((c) => c.id === 'colossus-2')!;
const [a, b] = cluster.tenants as [(typeof cluster.tenants)[0], (typeof cluster.tenants)[0]];
const tenancyName = `staging-${cluster.id}-tenancy`;
const sharedHall = b.allocations.find((x) => a.allocations.some((y) => y.hall === x.hall))!.hall;

function mutate(edit: (tenancy: StackJson, stacks: Map<string, StackJson>) => string): {
  leaks: Leak[];
  injected: string;
} {
  const stacks = cloneStacks(clean);
  const injected = edit(stacks.get(tenancyName)!, stacks);
  const leaks = proveIsolation(stacks).leaks.filter((l) => l.from === a.id && l.to === b.id);
  return { leaks, injected: `${injected.includes(': ') ? '' : `${tenancyName}: `}${injected}` };
}

/** The leak must name the injected resource and resources of both tenants. */
function expectCaught(result: { leaks: Leak[]; injected: string }, layer: Leak['layer']): Leak {
  const leak = result.leaks.find((l) => l.layer === layer && l.path.some((h) => h.resource === result.injected));
  if (!leak)
    throw new Error(`no ${layer} leak names ${result.injected}; found:\n${result.leaks.map(formatLeak).join('\n')}`);
  const text = formatLeak(leak);
  expect(text).toContain(`${a.id} -> ${b.id} [${layer}]`);
  expect(leak.path.some((h) => h.role.includes(a.id))).toBe(true);
  expect(leak.path.some((h) => h.role.includes(b.id))).toBe(true);
  return leak;
}

describe('isolation proof against injected leaks', () => {
  it('finds no leak in the clean environment (zero false alarms)', () => {
    const report = proveIsolation(clean);
    expect(report.leaks.map(formatLeak)).toEqual([]);
    expect(report.tenants).toEqual(staging.config.clusters.flatMap((c) => c.tenants.map((t) => t.id)).sort());
  });

  it("catches a propagation of another tenant's attachment into a tenant's table, though a blackhole shadows it", () => {
    const result = mutate((json) =>
      addResource(json, 'aws_ec2_transit_gateway_route_table_propagation', 'leak', {
        transit_gateway_attachment_id: ref(
          json,
          'aws_ec2_transit_gateway_vpc_attachment',
          `${b.id}/network/tgw-attachment`,
        ),
        transit_gateway_route_table_id: ref(json, 'aws_ec2_transit_gateway_route_table', `${a.id}/transit/rt`),
      }),
    );
    const leak = expectCaught(result, 'routing');
    expect(leak.path.map((h) => h.role)).toContain(`propagation ${b.cidr} into the other tenant`);
  });

  it("catches a static Transit Gateway route to another tenant's CIDR", () => {
    const result = mutate((json) => {
      const blackhole = body(json, 'aws_ec2_transit_gateway_route', `${a.id}/transit/blackhole-${b.id}`);
      delete blackhole.blackhole;
      blackhole.transit_gateway_attachment_id = ref(
        json,
        'aws_ec2_transit_gateway_vpc_attachment',
        `${b.id}/network/tgw-attachment`,
      );
      return `aws_ec2_transit_gateway_route.${Object.entries(json.resource!.aws_ec2_transit_gateway_route!).find(([, v]) => v === blackhole)![0]}`;
    });
    expectCaught(result, 'routing');
  });

  it('follows a full packet path: a VPC route to the gateway and a more specific TGW route past the blackhole', () => {
    const half = b.cidr.replace(/\/(\d+)$/, (_, p: string) => `/${Number(p) + 1}`);
    const result = mutate((json) => {
      addResource(json, 'aws_route', 'to-other-tenant', {
        route_table_id: ref(json, 'aws_route_table', `${a.id}/network/rt`),
        destination_cidr_block: b.cidr,
        transit_gateway_id: ref(json, 'aws_ec2_transit_gateway', 'transit-hub/tgw'),
      });
      return addResource(json, 'aws_ec2_transit_gateway_route', 'more-specific', {
        transit_gateway_route_table_id: ref(json, 'aws_ec2_transit_gateway_route_table', `${a.id}/transit/rt`),
        destination_cidr_block: half,
        transit_gateway_attachment_id: ref(
          json,
          'aws_ec2_transit_gateway_vpc_attachment',
          `${b.id}/network/tgw-attachment`,
        ),
      });
    });
    const leak = expectCaught(result, 'routing');
    const roles = leak.path.map((h) => h.role);
    expect(roles).toEqual(
      expect.arrayContaining(['source subnet', `route ${b.cidr}`, `static route ${half}`, 'destination subnet']),
    );
    expect(leak.path.map((h) => h.resource)).toContain(`${tenancyName}: aws_route.to-other-tenant`);
  });

  it('catches a VPC peering between two tenants, and the route across it', () => {
    const result = mutate((json) => {
      const injected = addResource(json, 'aws_vpc_peering_connection', 'leak', {
        vpc_id: ref(json, 'aws_vpc', `${a.id}/network/vpc`),
        peer_vpc_id: ref(json, 'aws_vpc', `${b.id}/network/vpc`),
        auto_accept: true,
      });
      addResource(json, 'aws_route', 'over-peering', {
        route_table_id: ref(json, 'aws_route_table', `${a.id}/network/rt`),
        destination_cidr_block: b.cidr,
        vpc_peering_connection_id: '${aws_vpc_peering_connection.leak.id}',
      });
      return injected;
    });
    expectCaught(result, 'routing');
    expect(result.leaks.some((l) => l.path.some((h) => h.resource === `${tenancyName}: aws_route.over-peering`))).toBe(
      true,
    );
  });

  it("catches a security group ingress from another tenant's CIDR", () => {
    const result = mutate((json) =>
      addResource(json, 'aws_vpc_security_group_ingress_rule', 'leak', {
        security_group_id: ref(json, 'aws_security_group', `${b.id}/efa-sg/sg`),
        cidr_ipv4: a.cidr,
        ip_protocol: 'tcp',
        from_port: 22,
        to_port: 22,
      }),
    );
    expectCaught(result, 'security-group');
  });

  it("catches a NACL entry that allows another tenant's CIDR ahead of the deny", () => {
    const result = mutate((json) =>
      addResource(json, 'aws_network_acl_rule', 'leak', {
        network_acl_id: ref(json, 'aws_network_acl', `${b.id}/network/nacl/acl`),
        egress: false,
        rule_number: 10,
        rule_action: 'allow',
        protocol: '-1',
        cidr_block: a.cidr,
      }),
    );
    const leak = expectCaught(result, 'nacl');
    expect(leak.path.map((h) => h.role)).toContain(`ingress rule 10 allows ${a.cidr}`);
  });

  it('does not count a deny for one protocol only as closing the NACL', () => {
    const result = mutate((json) => {
      const deny = body(json, 'aws_network_acl_rule', `${b.id}/network/nacl/ingress-deny-${a.id}`);
      deny.protocol = '6';
      return 'unused';
    });
    expect(result.leaks.some((l) => l.layer === 'nacl' && formatLeak(l).includes('ingress rule 32000'))).toBe(true);
  });

  it("catches two tenants' units placed in one subnet", () => {
    const compute = `staging-${cluster.id}-compute-${sharedHall}`;
    const stacks = cloneStacks(clean);
    const json = stacks.get(compute)!;
    const moved = Object.entries(json.resource!.aws_launch_template!).find(
      ([, lt]) => (lt.tags as Record<string, string>).tenant === b.id,
    )!;
    const subnet = `\${data.terraform_remote_state.tenancy.outputs.${a.id.replace(/-/g, '_')}_${sharedHall.replace(/-/g, '_')}_subnet_id}`;
    for (const nic of moved[1].network_interfaces as Record<string, unknown>[]) nic.subnet_id = subnet;
    const leaks = proveIsolation(stacks).leaks.filter(
      (l) => l.from === a.id && l.to === b.id && l.layer === 'placement',
    );
    const shared = leaks.filter(
      (l) =>
        l.path.some((h) => h.resource === `${compute}: aws_launch_template.${moved[0]}`) &&
        l.path.some(
          (h) => h.role === 'subnet shared by both tenants' && h.resource.startsWith(`${tenancyName}: aws_subnet.`),
        ),
    );
    expect(shared.length).toBeGreaterThan(0);
  });

  it("catches a unit placed in the cluster's shared fabric subnet, next to another tenant's", () => {
    const stacks = cloneStacks(clean);
    for (const [name, json] of stacks) {
      if (!name.startsWith(`staging-${cluster.id}-compute-`)) continue;
      for (const lt of Object.values(json.resource?.aws_launch_template ?? {})) {
        const hall = name.split('-compute-')[1]!.replace(/-/g, '_');
        if ([a.id, b.id].includes((lt.tags as Record<string, string>).tenant)) {
          for (const nic of lt.network_interfaces as Record<string, unknown>[]) {
            nic.subnet_id = `\${data.terraform_remote_state.network.outputs.${hall}_fabric_subnet_id}`;
          }
        }
      }
    }
    const leaks = proveIsolation(stacks).leaks.filter(
      (l) => l.from === a.id && l.to === b.id && l.layer === 'placement',
    );
    expect(leaks.length).toBeGreaterThan(0);
    expect(leaks.some((l) => l.path.some((h) => h.resource.startsWith(`staging-${cluster.id}-network: aws_`)))).toBe(
      true,
    );
  });

  it('reports a tenant SU alone in the spare fabric subnet as a finding, not as a leak through shared services', () => {
    const stacks = cloneStacks(clean);
    const compute = `staging-${cluster.id}-compute-${sharedHall}`;
    const json = stacks.get(compute)!;
    const [name, lt] = Object.entries(json.resource!.aws_launch_template!).find(
      ([, x]) => (x.tags as Record<string, string>).tenant === a.id,
    )!;
    const hall = sharedHall.replace(/-/g, '_');
    for (const nic of lt.network_interfaces as Record<string, unknown>[]) {
      nic.subnet_id = `\${data.terraform_remote_state.network.outputs.${hall}_fabric_subnet_id}`;
    }
    const report = proveIsolation(stacks);
    // The platform VPC is not the tenant's: its ordinary shared-services routes are no leak.
    expect(report.leaks.map(formatLeak)).toEqual([]);
    // The template and the auto scaling group that launches it, each named.
    expect(report.findings.map((f) => f.address)).toContain(`${compute}: aws_launch_template.${name}`);
    expect(report.findings.map((f) => f.address).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^${compute}: aws_autoscaling_group\\.`))]),
    );
    expect(report.findings).toHaveLength(2);
    expect(report.findings.every((f) => f.tenant === a.id && f.layer === 'placement')).toBe(true);
    expect(report.findings[0]!.problem).toContain('outside its tenant subnets');
    expect(() => assertIsolated(report)).toThrow(/0 leaking path\(s\), 0 cannot prove, 2 finding\(s\)/);
  });

  it('catches a Transit Gateway that turns default association and propagation back on', () => {
    const result = mutate((json) => {
      const tgw = body(json, 'aws_ec2_transit_gateway', 'transit-hub/tgw');
      tgw.default_route_table_association = 'enable';
      tgw.default_route_table_propagation = 'enable';
      for (const att of Object.values(json.resource!.aws_ec2_transit_gateway_vpc_attachment!)) {
        delete att.transit_gateway_default_route_table_association;
        delete att.transit_gateway_default_route_table_propagation;
      }
      return `aws_ec2_transit_gateway.${Object.keys(json.resource!.aws_ec2_transit_gateway!)[0]}`;
    });
    expectCaught(result, 'routing');
  });

  it('lets blackholes win over a broader route to shared services (no false alarm), until one is removed', () => {
    const widen = (dropBlackhole: boolean) =>
      mutate((json) => {
        for (const tenant of [a, b]) {
          body(json, 'aws_ec2_transit_gateway_route', `${tenant.id}/transit/shared-services`).destination_cidr_block =
            '0.0.0.0/0';
          body(json, 'aws_route', `${tenant.id}/network/shared-services-route`).destination_cidr_block = '0.0.0.0/0';
        }
        const hole = body(json, 'aws_ec2_transit_gateway_route', `${a.id}/transit/blackhole-${b.id}`);
        if (dropBlackhole) hole.destination_cidr_block = '192.0.2.0/24';
        return 'unused';
      });
    expect(widen(false).leaks.filter((l) => l.layer === 'routing')).toEqual([]);
    const leaks = widen(true).leaks.filter((l) => l.layer === 'routing');
    // Through shared services: the attachment subnets' route tables send the packet back out.
    expect(leaks.some((l) => l.path.some((h) => h.role === 'attachment subnet (transit)'))).toBe(true);
  });

  it("catches a tenant's units sharing another tenant's self-referencing EFA group", () => {
    const compute = `staging-${cluster.id}-compute-${sharedHall}`;
    const stacks = cloneStacks(clean);
    const json = stacks.get(compute)!;
    const group = `\${data.terraform_remote_state.tenancy.outputs.${b.id.replace(/-/g, '_')}_efa_security_group_id}`;
    const lt = Object.values(json.resource!.aws_launch_template!).find(
      (x) => (x.tags as Record<string, string>).tenant === a.id,
    )!;
    for (const nic of lt.network_interfaces as { security_groups: string[] }[]) nic.security_groups.push(group);
    const leaks = proveIsolation(stacks).leaks.filter(
      (l) => l.from === a.id && l.to === b.id && l.layer === 'security-group',
    );
    expect(leaks.some((l) => formatLeak(l).includes('ingress from group'))).toBe(true);
  });

  it('catches a peering across clusters, between tenants of different Transit Gateways', () => {
    const other = staging.config.clusters.find((c) => c.id !== cluster.id)!.tenants[0]!;
    const stacks = cloneStacks(clean);
    const json = stacks.get(tenancyName)!;
    addResource(json, 'aws_vpc_peering_connection', 'cross-cluster', {
      vpc_id: ref(json, 'aws_vpc', `${a.id}/network/vpc`),
      peer_vpc_id: `\${data.terraform_remote_state.other.outputs.${other.id.replace(/-/g, '_')}_vpc_id}`,
    });
    // A remote state of the other cluster's tenancy stack, spelled like the network one.
    const network = JSON.stringify(json.data!.terraform_remote_state!.network);
    json.data!.terraform_remote_state!.other = JSON.parse(
      network.replace(
        `staging-${cluster.id}-network`,
        `staging-${staging.config.clusters.find((c) => c.id !== cluster.id)!.id}-tenancy`,
      ),
    );
    const leaks = proveIsolation(stacks).leaks.filter((l) => l.from === a.id && l.to === other.id);
    expect(
      leaks.some((l) => l.layer === 'routing' && l.path.some((h) => h.role === 'VPC peering between tenants')),
    ).toBe(true);
  });
});

describe('the synth-time check', () => {
  it('throws a ColossusError naming every resource on every leaking path', () => {
    const stacks = cloneStacks(clean);
    const json = stacks.get(tenancyName)!;
    addResource(json, 'aws_vpc_peering_connection', 'leak', {
      vpc_id: ref(json, 'aws_vpc', `${a.id}/network/vpc`),
      peer_vpc_id: ref(json, 'aws_vpc', `${b.id}/network/vpc`),
    });
    const report = proveIsolation(stacks);
    expect(() => assertIsolated(report)).toThrow(ColossusError);
    expect(() => assertIsolated(report)).toThrow(/tenant isolation does not hold: 2 leaking path\(s\), 0 cannot prove/);
    try {
      assertIsolated(report);
    } catch (error) {
      const message = (error as Error).message;
      for (const leak of report.leaks) for (const h of leak.path) expect(message).toContain(h.resource);
    }
    expect(() => assertIsolated(proveIsolation(clean))).not.toThrow();
  });
});
