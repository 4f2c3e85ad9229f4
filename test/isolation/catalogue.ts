import type { Layer, StackJson } from '../../policy/isolation';
import type { SynthesizedEnvironment } from '../helpers/synth';
import { addResource, nameAt, ref } from './mutate';

/**
 * The mutation and benign catalogue, as data. Each mutation is a leak written the way a person
 * would write it in Terraform (often indirectly); the proof must fail and name the resource that
 * makes the path (a leak naming it, or "cannot prove" naming it). Each benign change must still
 * prove isolated, with nothing unresolved. The runner is mutations-catalogue.test.ts.
 */

type Tenant = SynthesizedEnvironment['config']['clusters'][number]['tenants'][number];

export interface Context {
  readonly env: string;
  readonly stacks: Map<string, StackJson>;
  readonly a: Tenant;
  readonly b: Tenant;
  /** A tenant of the other cluster. */
  readonly far: Tenant;
  readonly hall: string;
  readonly tenancyName: string;
  readonly tenancy: StackJson;
  readonly networkName: string;
  readonly network: StackJson;
  readonly farTenancyName: string;
  readonly farTenancy: StackJson;
  /** ${type.name.attr} of the resource at a construct path in the tenancy stack. */
  readonly r: (type: string, path: string, attribute?: string) => string;
  /** The full key "<stack>: type.name" of a resource added to or found in the tenancy stack. */
  readonly key: (address: string, stack?: string) => string;
  /** Adds a resource to the tenancy stack (or another) and returns its key. */
  readonly add: (
    type: string,
    name: string,
    body: Record<string, unknown>,
    stack?: StackJson,
    stackName?: string,
  ) => string;
  readonly body: (type: string, path: string, json?: StackJson) => Record<string, unknown>;
}

export interface Mutation {
  readonly kind: string;
  readonly family: string;
  readonly expect: 'leak' | 'cannot prove' | 'finding';
  readonly layer?: Layer;
  /** Applies the change to a deep copy; returns the key of the resource that makes the path. */
  readonly apply: (c: Context) => string;
}

export interface Benign {
  readonly kind: string;
  readonly apply: (c: Context) => void;
  readonly allowedSharedServices?: (c: Context) => { resource: string; reason: string }[];
}

const u = (id: string) => id.replace(/-/g, '_');
const subnet = (c: Context, t: Tenant) => c.r('aws_subnet', `${t.id}/network/${c.hall}-subnet`);
const half = (cidr: string) => cidr.replace(/\/(\d+)$/, (_, p: string) => `/${Number(p) + 1}`);
const json = (o: unknown) => JSON.stringify(o);
const enableIpv6 = (c: Context) => {
  for (const t of [c.a, c.b]) {
    c.body('aws_vpc', `${t.id}/network/vpc`).assign_generated_ipv6_cidr_block = true;
  }
};
const bucketArn = (c: Context, t: Tenant) => c.r('aws_s3_bucket', `${t.id}/data/bucket`, 'arn');
const roleArn = (c: Context, t: Tenant) => c.r('aws_iam_role', `${t.id}/role`, 'arn');
/** A second subnet in tenant t's VPC with an address in its block. */
const extraSubnet = (c: Context, t: Tenant, name: string, octet: number) => {
  const cidr = t.cidr.replace(/^(\d+\.\d+)\.\d+\.\d+\/\d+$/, `$1.${octet}.0/24`);
  c.add('aws_subnet', name, {
    vpc_id: c.r('aws_vpc', `${t.id}/network/vpc`),
    cidr_block: cidr,
    tags: { tenant: t.id },
  });
  return `\${aws_subnet.${name}.id}`;
};
const instanceIn = (c: Context, name: string, subnetRef: string) =>
  c.add('aws_instance', name, { ami: 'ami-0123456789abcdef0', instance_type: 'm7i.large', subnet_id: subnetRef });
/** A remote state in the tenancy stack that reads the other cluster's tenancy stack. */
const farState = (c: Context) => {
  c.tenancy.data!.terraform_remote_state!.far = JSON.parse(
    JSON.stringify(c.tenancy.data!.terraform_remote_state!.network).replace(c.networkName, c.farTenancyName),
  );
};

export const MUTATIONS: readonly Mutation[] = [
  // Fail closed: types and values the proof cannot model.
  {
    kind: 'a VPN connection, a type outside the catalogue',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_vpn_connection', 'leak', {
        customer_gateway_id: 'cgw-1',
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
        type: 'ipsec.1',
      }),
  },
  {
    kind: 'a peering whose peer VPC comes from an unknown data source',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) => {
      c.tenancy.data!.aws_vpcs = { all: { tags: { tenant: c.b.id } } };
      return c.add('aws_vpc_peering_connection', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: '${data.aws_vpcs.all.ids[0]}',
      });
    },
  },
  {
    kind: 'a route whose destination is a cidrsubnet() call',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_route', 'leak', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_cidr_block: `\${cidrsubnet("${c.b.cidr}", 1, 0)}`,
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
      }),
  },
  {
    kind: 'a NACL rule whose CIDR is an interpolated string',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_network_acl_rule', 'leak', {
        network_acl_id: c.r('aws_network_acl', `${c.b.id}/network/nacl/acl`),
        egress: false,
        rule_number: 10,
        rule_action: 'allow',
        protocol: '-1',
        cidr_block: `\${local.prefix}.0.0/16`,
      }),
  },
  {
    kind: 'a security group rule whose CIDR is a local that is not defined',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_vpc_security_group_ingress_rule', 'leak', {
        security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
        cidr_ipv4: '${local.partner_cidr}',
        ip_protocol: '-1',
      }),
  },
  {
    kind: 'a route into a computed attribute of the Transit Gateway (its default route table)',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_ec2_transit_gateway_route', 'leak', {
        transit_gateway_route_table_id: c.r(
          'aws_ec2_transit_gateway',
          'transit-hub/tgw',
          'association_default_route_table_id',
        ),
        destination_cidr_block: c.b.cidr,
        transit_gateway_attachment_id: c.r(
          'aws_ec2_transit_gateway_vpc_attachment',
          `${c.b.id}/network/tgw-attachment`,
        ),
      }),
  },
  {
    kind: 'a peering created with count',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_vpc_peering_connection', 'leak', {
        count: 1,
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
      }),
  },
  {
    kind: 'routes created with for_each',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_route', 'leak', {
        for_each: '${toset(["x"])}',
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_cidr_block: c.b.cidr,
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
      }),
  },
  {
    kind: 'a route to an attachment id written as a literal',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_ec2_transit_gateway_route', 'leak', {
        transit_gateway_route_table_id: c.r('aws_ec2_transit_gateway_route_table', `${c.a.id}/transit/rt`),
        destination_cidr_block: half(c.b.cidr),
        transit_gateway_attachment_id: 'tgw-attach-0123456789abcdef0',
      }),
  },
  {
    kind: 'an identity policy from a policy document data source',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) => {
      c.tenancy.data!.aws_iam_policy_document = {
        read: { statement: [{ actions: ['s3:GetObject'], resources: ['*'] }] },
      };
      return c.add('aws_iam_role_policy', 'leak', {
        role: c.r('aws_iam_role', `${c.b.id}/role`, 'name'),
        policy: '${data.aws_iam_policy_document.read.json}',
      });
    },
  },
  // Resolved indirections: locals, nested outputs, remote state spelled with an index, lookups.
  {
    kind: "a security group ingress from a local holding the other tenant's CIDR",
    family: 'indirect',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) => {
      (c.tenancy as { locals?: Record<string, unknown> }).locals = { partner: c.a.cidr };
      return c.add('aws_vpc_security_group_ingress_rule', 'leak', {
        security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
        cidr_ipv4: '${local.partner}',
        ip_protocol: '-1',
      });
    },
  },
  {
    kind: 'a cross-cluster peering to a VPC read from a nested output map',
    family: 'indirect',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      c.farTenancy.output!.vpcs = {
        value: {
          [u(c.far.id)]: { id: `\${aws_vpc.${nameAt(c.farTenancy, 'aws_vpc', `${c.far.id}/network/vpc`)}.id}` },
        },
      };
      farState(c);
      return c.add('aws_vpc_peering_connection', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: `\${data.terraform_remote_state.far.outputs.vpcs.${u(c.far.id)}.id}`,
      });
    },
  },
  {
    kind: 'a cross-cluster peering to a remote-state output spelled with an index',
    family: 'indirect',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      farState(c);
      return c.add('aws_vpc_peering_connection', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: `\${data.terraform_remote_state.far.outputs["${u(c.far.id)}_vpc_id"]}`,
      });
    },
  },
  {
    kind: "a peering whose peer VPC is looked up by the other tenant's tag",
    family: 'indirect',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      c.tenancy.data!.aws_vpc = { peer: { filter: [{ name: 'tag:tenant', values: [c.b.id] }] } };
      return c.add('aws_vpc_peering_connection', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: '${data.aws_vpc.peer.id}',
      });
    },
  },
  // Routing: Transit Gateways, peerings, prefix lists, NAT, IPv6.
  {
    kind: "a propagation of another tenant's attachment into a tenant's table",
    family: 'routing',
    expect: 'leak',
    layer: 'routing',
    apply: (c) =>
      c.add('aws_ec2_transit_gateway_route_table_propagation', 'leak', {
        transit_gateway_attachment_id: c.r(
          'aws_ec2_transit_gateway_vpc_attachment',
          `${c.b.id}/network/tgw-attachment`,
        ),
        transit_gateway_route_table_id: c.r('aws_ec2_transit_gateway_route_table', `${c.a.id}/transit/rt`),
      }),
  },
  {
    kind: 'an association of a tenant attachment with the shared-services table',
    family: 'routing',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      const assoc = c.body('aws_ec2_transit_gateway_route_table_association', `${c.a.id}/transit/association`);
      assoc.transit_gateway_route_table_id = c.r(
        'aws_ec2_transit_gateway_route_table',
        'transit-hub/shared-services-rt',
      );
      return c.key(
        `aws_ec2_transit_gateway_route_table_association.${nameAt(c.tenancy, 'aws_ec2_transit_gateway_route_table_association', `${c.a.id}/transit/association`)}`,
      );
    },
  },
  {
    kind: 'a VPC route to the gateway and a more specific TGW route past the blackhole',
    family: 'routing',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      c.add('aws_route', 'to-other', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_cidr_block: c.b.cidr,
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
      });
      return c.add('aws_ec2_transit_gateway_route', 'leak', {
        transit_gateway_route_table_id: c.r('aws_ec2_transit_gateway_route_table', `${c.a.id}/transit/rt`),
        destination_cidr_block: half(c.b.cidr),
        transit_gateway_attachment_id: c.r(
          'aws_ec2_transit_gateway_vpc_attachment',
          `${c.b.id}/network/tgw-attachment`,
        ),
      });
    },
  },
  {
    kind: "a Transit Gateway prefix-list reference holding the other tenant's CIDR",
    family: 'prefix lists',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      c.add('aws_ec2_managed_prefix_list', 'partners', {
        name: 'partners',
        address_family: 'IPv4',
        max_entries: 5,
        entry: [{ cidr: half(c.b.cidr) }],
      });
      return c.add('aws_ec2_transit_gateway_prefix_list_reference', 'leak', {
        prefix_list_id: '${aws_ec2_managed_prefix_list.partners.id}',
        transit_gateway_route_table_id: c.r('aws_ec2_transit_gateway_route_table', `${c.a.id}/transit/rt`),
        transit_gateway_attachment_id: c.r(
          'aws_ec2_transit_gateway_vpc_attachment',
          `${c.b.id}/network/tgw-attachment`,
        ),
      });
    },
  },
  {
    kind: 'a VPC route to a prefix list whose entry is a separate resource, then a TGW route',
    family: 'prefix lists',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      c.add('aws_ec2_managed_prefix_list', 'partners', { name: 'partners', address_family: 'IPv4', max_entries: 5 });
      c.add('aws_ec2_managed_prefix_list_entry', 'partner', {
        prefix_list_id: '${aws_ec2_managed_prefix_list.partners.id}',
        cidr: c.b.cidr,
      });
      c.add('aws_ec2_transit_gateway_route', 'more-specific', {
        transit_gateway_route_table_id: c.r('aws_ec2_transit_gateway_route_table', `${c.a.id}/transit/rt`),
        destination_cidr_block: half(c.b.cidr),
        transit_gateway_attachment_id: c.r(
          'aws_ec2_transit_gateway_vpc_attachment',
          `${c.b.id}/network/tgw-attachment`,
        ),
      });
      return c.add('aws_route', 'leak', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_prefix_list_id: '${aws_ec2_managed_prefix_list.partners.id}',
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
      });
    },
  },
  {
    kind: 'a VPC peering between two tenants with a route across it',
    family: 'peering',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      const pcx = c.add('aws_vpc_peering_connection', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
        auto_accept: true,
      });
      c.add('aws_route', 'over-peering', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_cidr_block: c.b.cidr,
        vpc_peering_connection_id: '${aws_vpc_peering_connection.leak.id}',
      });
      return pcx;
    },
  },
  {
    kind: 'an inline route over a peering named through its accepter',
    family: 'peering',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      c.add('aws_vpc_peering_connection', 'pcx', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
      });
      c.add('aws_vpc_peering_connection_accepter', 'accept', {
        vpc_peering_connection_id: '${aws_vpc_peering_connection.pcx.id}',
        auto_accept: true,
      });
      const rt = c.body('aws_route_table', `${c.a.id}/network/rt`);
      rt.route = [
        { cidr_block: c.b.cidr, vpc_peering_connection_id: '${aws_vpc_peering_connection_accepter.accept.id}' },
      ];
      return c.key(`aws_route_table.${nameAt(c.tenancy, 'aws_route_table', `${c.a.id}/network/rt`)}`);
    },
  },
  {
    kind: 'a peering accepter for a peering made outside this synth',
    family: 'peering',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_vpc_peering_connection_accepter', 'leak', {
        vpc_peering_connection_id: 'pcx-0123456789abcdef0',
        auto_accept: true,
      }),
  },
  {
    kind: 'a cross-cluster Transit Gateway peering with routes into the far tenant',
    family: 'peering',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      farState(c);
      const farTgw = nameAt(c.farTenancy, 'aws_ec2_transit_gateway', 'transit-hub/tgw');
      c.farTenancy.output!.tgw_id = { value: `\${aws_ec2_transit_gateway.${farTgw}.id}` };
      const peering = c.add('aws_ec2_transit_gateway_peering_attachment', 'leak', {
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
        peer_transit_gateway_id: '${data.terraform_remote_state.far.outputs.tgw_id}',
        peer_region: 'us-east-1',
      });
      c.add('aws_ec2_transit_gateway_route', 'to-far', {
        transit_gateway_route_table_id: c.r('aws_ec2_transit_gateway_route_table', `${c.a.id}/transit/rt`),
        destination_cidr_block: c.far.cidr,
        transit_gateway_attachment_id: '${aws_ec2_transit_gateway_peering_attachment.leak.id}',
      });
      c.tenancy.output!.peering_id = { value: '${aws_ec2_transit_gateway_peering_attachment.leak.id}' };
      const state = JSON.parse(
        JSON.stringify(c.tenancy.data!.terraform_remote_state!.network).replace(c.networkName, c.tenancyName),
      );
      c.farTenancy.data!.terraform_remote_state!.near = state;
      c.add(
        'aws_ec2_transit_gateway_peering_attachment_accepter',
        'accept',
        { transit_gateway_attachment_id: '${data.terraform_remote_state.near.outputs.peering_id}' },
        c.farTenancy,
        c.farTenancyName,
      );
      c.add(
        'aws_ec2_transit_gateway_route_table_association',
        'peer-assoc',
        {
          transit_gateway_attachment_id: '${aws_ec2_transit_gateway_peering_attachment_accepter.accept.id}',
          transit_gateway_route_table_id: c
            .r('aws_ec2_transit_gateway_route_table', 'transit-hub/shared-services-rt')
            .replace(
              nameAt(c.tenancy, 'aws_ec2_transit_gateway_route_table', 'transit-hub/shared-services-rt'),
              nameAt(c.farTenancy, 'aws_ec2_transit_gateway_route_table', 'transit-hub/shared-services-rt'),
            ),
        },
        c.farTenancy,
        c.farTenancyName,
      );
      return peering;
    },
  },
  {
    kind: 'a Transit Gateway peering to a gateway id written as a literal',
    family: 'peering',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_ec2_transit_gateway_peering_attachment', 'leak', {
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
        peer_transit_gateway_id: 'tgw-0123456789abcdef0',
        peer_region: 'us-west-2',
      }),
  },
  {
    kind: 'a NAT gateway as the route target, forwarding over a peering',
    family: 'nat',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      const egress = extraSubnet(c, c.a, 'egress', 200);
      c.add('aws_vpc_peering_connection', 'pcx', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
      });
      c.add('aws_route_table', 'egress-rt', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        route: [{ cidr_block: c.b.cidr, vpc_peering_connection_id: '${aws_vpc_peering_connection.pcx.id}' }],
      });
      c.add('aws_route_table_association', 'egress-rta', {
        subnet_id: egress,
        route_table_id: '${aws_route_table.egress-rt.id}',
      });
      const nat = c.add('aws_nat_gateway', 'leak', { subnet_id: egress, connectivity_type: 'private' });
      c.add('aws_route', 'via-nat', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_cidr_block: c.b.cidr,
        nat_gateway_id: '${aws_nat_gateway.leak.id}',
      });
      return nat;
    },
  },
  {
    kind: 'an IPv6 route to the gateway and an IPv6 TGW route to the other tenant',
    family: 'ipv6',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      enableIpv6(c);
      c.add('aws_route', 'v6', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_ipv6_cidr_block: '::/0',
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
      });
      return c.add('aws_ec2_transit_gateway_route', 'leak', {
        transit_gateway_route_table_id: c.r('aws_ec2_transit_gateway_route_table', `${c.a.id}/transit/rt`),
        destination_cidr_block: '::/0',
        transit_gateway_attachment_id: c.r(
          'aws_ec2_transit_gateway_vpc_attachment',
          `${c.b.id}/network/tgw-attachment`,
        ),
      });
    },
  },
  {
    kind: 'a Transit Gateway that turns default association and propagation back on',
    family: 'routing',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      const tgw = c.body('aws_ec2_transit_gateway', 'transit-hub/tgw');
      tgw.default_route_table_association = 'enable';
      tgw.default_route_table_propagation = 'enable';
      for (const att of Object.values(c.tenancy.resource!.aws_ec2_transit_gateway_vpc_attachment!)) {
        delete att.transit_gateway_default_route_table_association;
        delete att.transit_gateway_default_route_table_propagation;
      }
      return c.key(`aws_ec2_transit_gateway.${nameAt(c.tenancy, 'aws_ec2_transit_gateway', 'transit-hub/tgw')}`);
    },
  },
  // NACLs: every way to claim a subnet, IPv4 and IPv6.
  {
    kind: "a NACL entry that allows another tenant's CIDR ahead of the deny",
    family: 'nacl',
    expect: 'leak',
    layer: 'nacl',
    apply: (c) =>
      c.add('aws_network_acl_rule', 'leak', {
        network_acl_id: c.r('aws_network_acl', `${c.b.id}/network/nacl/acl`),
        egress: false,
        rule_number: 10,
        rule_action: 'allow',
        protocol: '-1',
        cidr_block: c.a.cidr,
      }),
  },
  {
    kind: "a second NACL that claims the tenant's subnet through subnet_ids",
    family: 'nacl',
    expect: 'leak',
    layer: 'nacl',
    apply: (c) =>
      c.add('aws_network_acl', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
        subnet_ids: [subnet(c, c.b)],
        ingress: [{ rule_no: 100, action: 'allow', protocol: '-1', cidr_block: '0.0.0.0/0', from_port: 0, to_port: 0 }],
        egress: [{ rule_no: 100, action: 'allow', protocol: '-1', cidr_block: '0.0.0.0/0', from_port: 0, to_port: 0 }],
      }),
  },
  {
    kind: 'a permissive NACL associated with the subnet by an association resource',
    family: 'nacl',
    expect: 'leak',
    layer: 'nacl',
    apply: (c) => {
      c.add('aws_network_acl', 'open', {
        vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
        ingress: [
          { rule_no: 100, action: 'allow', protocol: '-1', cidr_block: '10.0.0.0/8', from_port: 0, to_port: 0 },
        ],
      });
      return c.add('aws_network_acl_association', 'leak', {
        network_acl_id: '${aws_network_acl.open.id}',
        subnet_id: subnet(c, c.b),
      });
    },
  },
  {
    kind: 'an IPv6 NACL rule that allows ::/0 on IPv6-enabled VPCs',
    family: 'ipv6',
    expect: 'leak',
    layer: 'nacl',
    apply: (c) => {
      enableIpv6(c);
      return c.add('aws_network_acl_rule', 'leak', {
        network_acl_id: c.r('aws_network_acl', `${c.b.id}/network/nacl/acl`),
        egress: false,
        rule_number: 5,
        rule_action: 'allow',
        protocol: '-1',
        ipv6_cidr_block: '::/0',
      });
    },
  },
  // Security groups: three spellings, IPv6, prefix lists, group references.
  {
    kind: "an ingress rule (vpc_security_group_ingress_rule) from another tenant's CIDR",
    family: 'security group',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) =>
      c.add('aws_vpc_security_group_ingress_rule', 'leak', {
        security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
        cidr_ipv4: c.a.cidr,
        ip_protocol: 'tcp',
        from_port: 22,
        to_port: 22,
      }),
  },
  {
    kind: "a legacy aws_security_group_rule from another tenant's CIDR",
    family: 'security group',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) =>
      c.add('aws_security_group_rule', 'leak', {
        type: 'ingress',
        security_group_id: c.r('aws_security_group', `${c.b.id}/node-sg/sg`),
        cidr_blocks: [half(c.a.cidr)],
        protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      }),
  },
  {
    kind: "a new group in the tenant's VPC with an inline ingress from the other tenant",
    family: 'security group',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) =>
      c.add('aws_security_group', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
        ingress: [{ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['10.0.0.0/8'] }],
      }),
  },
  {
    kind: "an ingress rule from a managed prefix list that holds the other tenant's CIDR",
    family: 'prefix lists',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) => {
      c.add('aws_ec2_managed_prefix_list', 'partners', {
        name: 'partners',
        address_family: 'IPv4',
        max_entries: 5,
        entry: [{ cidr: c.a.cidr, description: 'partner lab' }],
      });
      return c.add('aws_vpc_security_group_ingress_rule', 'leak', {
        security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
        prefix_list_id: '${aws_ec2_managed_prefix_list.partners.id}',
        ip_protocol: '-1',
      });
    },
  },
  {
    kind: 'a legacy rule with prefix_list_ids whose entry is added by a separate resource',
    family: 'prefix lists',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) => {
      c.add('aws_ec2_managed_prefix_list', 'partners', { name: 'partners', address_family: 'IPv4', max_entries: 5 });
      c.add('aws_ec2_managed_prefix_list_entry', 'partner', {
        prefix_list_id: '${aws_ec2_managed_prefix_list.partners.id}',
        cidr: c.a.cidr,
      });
      return c.add('aws_security_group_rule', 'leak', {
        type: 'ingress',
        security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
        prefix_list_ids: ['${aws_ec2_managed_prefix_list.partners.id}'],
        protocol: '-1',
        from_port: 0,
        to_port: 0,
      });
    },
  },
  {
    kind: "an IPv6 ingress from the other VPC's Amazon-assigned block",
    family: 'ipv6',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) => {
      enableIpv6(c);
      return c.add('aws_vpc_security_group_ingress_rule', 'leak', {
        security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
        cidr_ipv6: c.r('aws_vpc', `${c.a.id}/network/vpc`, 'ipv6_cidr_block'),
        ip_protocol: '-1',
      });
    },
  },
  {
    kind: 'a legacy IPv6 rule that admits ::/0',
    family: 'ipv6',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) => {
      enableIpv6(c);
      return c.add('aws_security_group_rule', 'leak', {
        type: 'ingress',
        security_group_id: c.r('aws_security_group', `${c.b.id}/node-sg/sg`),
        ipv6_cidr_blocks: ['::/0'],
        protocol: '-1',
        from_port: 0,
        to_port: 0,
      });
    },
  },
  {
    kind: "an egress rule to the other tenant's group",
    family: 'security group',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) => {
      // Cross-VPC group references need peering; the rule alone is the leak the proof must name.
      return c.add('aws_vpc_security_group_egress_rule', 'leak', {
        security_group_id: c.r('aws_security_group', `${c.a.id}/efa-sg/sg`),
        referenced_security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
        ip_protocol: '-1',
      });
    },
  },
  // Placement and interfaces.
  {
    kind: "a second interface in the other tenant's subnet, attached to an instance",
    family: 'interfaces',
    expect: 'leak',
    layer: 'placement',
    apply: (c) => {
      instanceIn(c, 'bridge', subnet(c, c.a));
      c.add('aws_network_interface', 'second', { subnet_id: subnet(c, c.b) });
      return c.add('aws_network_interface_attachment', 'leak', {
        instance_id: '${aws_instance.bridge.id}',
        network_interface_id: '${aws_network_interface.second.id}',
        device_index: 1,
      });
    },
  },
  {
    kind: 'an interface with an inline attachment block to an instance of the other tenant',
    family: 'interfaces',
    expect: 'leak',
    layer: 'placement',
    apply: (c) => {
      instanceIn(c, 'host', subnet(c, c.a));
      return c.add('aws_network_interface', 'leak', {
        subnet_id: subnet(c, c.b),
        attachment: [{ instance: '${aws_instance.host.id}', device_index: 1 }],
      });
    },
  },
  {
    kind: "an instance whose inline network_interface block is in the other tenant's subnet",
    family: 'interfaces',
    expect: 'leak',
    layer: 'placement',
    apply: (c) => {
      c.add('aws_network_interface', 'eni', { subnet_id: subnet(c, c.b) });
      return c.add('aws_instance', 'leak', {
        ami: 'ami-0123456789abcdef0',
        instance_type: 'm7i.large',
        subnet_id: subnet(c, c.a),
        network_interface: [{ network_interface_id: '${aws_network_interface.eni.id}', device_index: 1 }],
      });
    },
  },
  {
    kind: "an interface sg attachment putting the other tenant's group on a tenant interface",
    family: 'interfaces',
    expect: 'leak',
    layer: 'security-group',
    apply: (c) => {
      c.add('aws_network_interface', 'eni', { subnet_id: subnet(c, c.a), tags: { tenant: c.a.id } });
      return c.add('aws_network_interface_sg_attachment', 'leak', {
        network_interface_id: '${aws_network_interface.eni.id}',
        security_group_id: c.r('aws_security_group', `${c.b.id}/efa-sg/sg`),
      });
    },
  },
  {
    kind: "a subnet tagged for one tenant inside the other tenant's VPC",
    family: 'placement',
    expect: 'leak',
    layer: 'placement',
    apply: (c) =>
      c.add('aws_subnet', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
        cidr_block: c.b.cidr.replace(/^(\d+\.\d+)\.\d+\.\d+\/\d+$/, '$1.201.0/24'),
        tags: { tenant: c.a.id },
      }),
  },
  // Relays: shared services reachable from two tenants.
  {
    kind: "a network load balancer with subnets in both tenants' networks",
    family: 'relays',
    expect: 'leak',
    layer: 'routing',
    apply: (c) =>
      c.add('aws_lb', 'leak', {
        load_balancer_type: 'network',
        internal: true,
        subnets: [subnet(c, c.a), subnet(c, c.b)],
      }),
  },
  {
    kind: "an ALB in one tenant forwarding to an instance in the other's subnet",
    family: 'relays',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      const lb = c.add('aws_alb', 'leak', { internal: true, subnet_mapping: [{ subnet_id: subnet(c, c.a) }] });
      c.add('aws_lb_target_group', 'tg', {
        port: 443,
        protocol: 'HTTPS',
        vpc_id: c.r('aws_vpc', `${c.b.id}/network/vpc`),
      });
      instanceIn(c, 'backend', subnet(c, c.b));
      c.add('aws_lb_target_group_attachment', 'backend', {
        target_group_arn: '${aws_lb_target_group.tg.arn}',
        target_id: '${aws_instance.backend.id}',
      });
      c.add('aws_lb_listener', 'https', {
        load_balancer_arn: '${aws_alb.leak.arn}',
        port: 443,
        default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.tg.arn}' }],
      });
      return lb;
    },
  },
  {
    kind: "a classic ELB in one tenant's subnet with the other tenant's instance behind it",
    family: 'relays',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      instanceIn(c, 'backend', subnet(c, c.b));
      return c.add('aws_elb', 'leak', {
        subnets: [subnet(c, c.a)],
        instances: ['${aws_instance.backend.id}'],
        listener: [{ instance_port: 80, instance_protocol: 'http', lb_port: 80, lb_protocol: 'http' }],
      });
    },
  },
  {
    kind: "an endpoint service (PrivateLink) in one tenant with an interface endpoint in the other's VPC",
    family: 'relays',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      c.add('aws_lb', 'nlb', { load_balancer_type: 'network', internal: true, subnets: [subnet(c, c.b)] });
      const svc = c.add('aws_vpc_endpoint_service', 'leak', {
        acceptance_required: false,
        network_load_balancer_arns: ['${aws_lb.nlb.arn}'],
      });
      c.add('aws_vpc_endpoint', 'consumer', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        vpc_endpoint_type: 'Interface',
        service_name: '${aws_vpc_endpoint_service.leak.service_name}',
        subnet_ids: [subnet(c, c.a)],
      });
      return svc;
    },
  },
  {
    kind: "an EFS file system with mount targets in both tenants' subnets",
    family: 'relays',
    expect: 'leak',
    layer: 'routing',
    apply: (c) => {
      const fs = c.add('aws_efs_file_system', 'leak', { encrypted: true });
      c.add('aws_efs_mount_target', 'a', {
        file_system_id: '${aws_efs_file_system.leak.id}',
        subnet_id: subnet(c, c.a),
      });
      c.add('aws_efs_mount_target', 'b', {
        file_system_id: '${aws_efs_file_system.leak.id}',
        subnet_id: subnet(c, c.b),
      });
      return fs;
    },
  },
  {
    kind: 'an FSx for Lustre file system in the shared fabric subnet both tenants are routed to',
    family: 'relays',
    expect: 'leak',
    layer: 'routing',
    apply: (c) =>
      c.add(
        'aws_fsx_lustre_file_system',
        'leak',
        {
          storage_capacity: 1200,
          deployment_type: 'PERSISTENT_2',
          subnet_ids: [`\${aws_subnet.${nameAt(c.network, 'aws_subnet', `cluster-network/${c.hall}-fabric`)}.id}`],
        },
        c.network,
        c.networkName,
      ),
  },
  {
    kind: 'an interface endpoint to a service outside this synth',
    family: 'relays',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_vpc_endpoint', 'leak', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        vpc_endpoint_type: 'Interface',
        service_name: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        subnet_ids: [subnet(c, c.a)],
      }),
  },
  // Access: buckets, keys, roles.
  {
    kind: "a bucket policy that grants the other tenant's role read",
    family: 'access',
    expect: 'leak',
    layer: 'access',
    apply: (c) =>
      c.add('aws_s3_bucket_policy', 'leak', {
        bucket: c.r('aws_s3_bucket', `${c.a.id}/data/bucket`),
        policy: json({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: roleArn(c, c.b) },
              Action: 's3:GetObject',
              Resource: `${bucketArn(c, c.a)}/*`,
            },
          ],
        }),
      }),
  },
  {
    kind: 'a public bucket policy with the public access block turned off',
    family: 'access',
    expect: 'leak',
    layer: 'access',
    apply: (c) => {
      const pab = c.body('aws_s3_bucket_public_access_block', `${c.a.id}/data/public-access-block`);
      pab.block_public_policy = false;
      pab.restrict_public_buckets = false;
      return c.add('aws_s3_bucket_policy', 'leak', {
        bucket: c.r('aws_s3_bucket', `${c.a.id}/data/bucket`),
        policy: json({
          Statement: [
            { Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: `${bucketArn(c, c.a)}/*` },
          ],
        }),
      });
    },
  },
  {
    kind: "a trust policy that lets the other tenant's role assume the tenant role",
    family: 'access',
    expect: 'leak',
    layer: 'access',
    apply: (c) => {
      const role = c.body('aws_iam_role', `${c.a.id}/role`);
      const trust = JSON.parse(role.assume_role_policy as string) as { Statement: unknown[] };
      trust.Statement.push({ Effect: 'Allow', Principal: { AWS: roleArn(c, c.b) }, Action: 'sts:AssumeRole' });
      role.assume_role_policy = json(trust);
      return c.key(`aws_iam_role.${nameAt(c.tenancy, 'aws_iam_role', `${c.a.id}/role`)}`);
    },
  },
  {
    kind: 'a trust policy whose tenant condition is widened with StringLike',
    family: 'access',
    expect: 'leak',
    layer: 'access',
    apply: (c) => {
      const role = c.body('aws_iam_role', `${c.a.id}/role`);
      role.assume_role_policy = (role.assume_role_policy as string).replace(
        `"StringEquals":{"aws:PrincipalTag/tenant":"${c.a.id}"}`,
        '"StringLike":{"aws:PrincipalTag/tenant":"lab-*"}',
      );
      return c.key(`aws_iam_role.${nameAt(c.tenancy, 'aws_iam_role', `${c.a.id}/role`)}`);
    },
  },
  {
    kind: "an identity policy and a widened boundary that reach the other tenant's bucket",
    family: 'access',
    expect: 'leak',
    layer: 'access',
    apply: (c) => {
      const boundary = c.body('aws_iam_policy', `${c.b.id}/role/boundary`);
      const doc = JSON.parse(boundary.policy as string) as { Statement: unknown[] };
      doc.Statement.push({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
      boundary.policy = json(doc);
      return c.add('aws_iam_role_policy', 'leak', {
        role: c.r('aws_iam_role', `${c.b.id}/role`, 'name'),
        policy: json({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::*' }] }),
      });
    },
  },
  {
    kind: "a key policy that lets the other tenant's role decrypt, with the deny narrowed",
    family: 'access',
    expect: 'leak',
    layer: 'access',
    apply: (c) => {
      const key = c.body('aws_kms_key', `${c.a.id}/key`);
      const doc = JSON.parse(key.policy as string) as { Statement: Record<string, unknown>[] };
      doc.Statement = doc.Statement.filter((s) => s.Effect !== 'Deny');
      doc.Statement.push({
        Sid: 'Partner',
        Effect: 'Allow',
        Principal: { AWS: roleArn(c, c.b) },
        Action: 'kms:Decrypt',
        Resource: '*',
      });
      key.policy = json(doc);
      return c.key(`aws_kms_key.${nameAt(c.tenancy, 'aws_kms_key', `${c.a.id}/key`)}`);
    },
  },
  {
    kind: 'a bucket policy grant with a condition operator the proof does not model',
    family: 'access',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_s3_bucket_policy', 'leak', {
        bucket: c.r('aws_s3_bucket', `${c.a.id}/data/bucket`),
        policy: json({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: roleArn(c, c.b) },
              Action: 's3:GetObject',
              Resource: `${bucketArn(c, c.a)}/*`,
              Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
            },
          ],
        }),
      }),
  },
  {
    kind: 'an AWS-managed policy attached to a tenant role',
    family: 'access',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_iam_role_policy_attachment', 'leak', {
        role: c.r('aws_iam_role', `${c.b.id}/role`, 'name'),
        policy_arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
  },
  {
    kind: "the other tenant's GPU node role behind a tenant's instance profile",
    family: 'access',
    expect: 'leak',
    layer: 'access',
    apply: (c) => {
      const profile = `${c.b.id}/gpu-node/instance-profile`;
      c.body('aws_iam_instance_profile', profile).role = c.r('aws_iam_role', `${c.a.id}/gpu-node/role`, 'name');
      return c.key(`aws_iam_instance_profile.${nameAt(c.tenancy, 'aws_iam_instance_profile', profile)}`);
    },
  },
  {
    kind: 'a GPU node instance profile whose role comes from a variable',
    family: 'fail closed',
    expect: 'cannot prove',
    apply: (c) => {
      const profile = `${c.b.id}/gpu-node/instance-profile`;
      c.body('aws_iam_instance_profile', profile).role = '${var.node_role}';
      return c.key(`aws_iam_instance_profile.${nameAt(c.tenancy, 'aws_iam_instance_profile', profile)}`);
    },
  },
  {
    kind: "an AWS-managed policy in the tenant role's own managed_policy_arns",
    family: 'access',
    expect: 'cannot prove',
    apply: (c) => {
      c.body('aws_iam_role', `${c.b.id}/role`).managed_policy_arns = ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'];
      return c.key(`aws_iam_role.${nameAt(c.tenancy, 'aws_iam_role', `${c.b.id}/role`)}`);
    },
  },
  {
    kind: "an AWS-managed policy as the tenant role's permission boundary",
    family: 'access',
    expect: 'cannot prove',
    apply: (c) => {
      c.body('aws_iam_role', `${c.b.id}/role`).permissions_boundary = 'arn:aws:iam::aws:policy/AdministratorAccess';
      return c.key(`aws_iam_role.${nameAt(c.tenancy, 'aws_iam_role', `${c.b.id}/role`)}`);
    },
  },
  {
    kind: 'a bucket ACL (a type outside the catalogue)',
    family: 'access',
    expect: 'cannot prove',
    apply: (c) =>
      c.add('aws_s3_bucket_acl', 'leak', {
        bucket: c.r('aws_s3_bucket', `${c.a.id}/data/bucket`),
        acl: 'authenticated-read',
      }),
  },
  {
    kind: 'bucket ownership controls that re-enable ACLs',
    family: 'access',
    expect: 'cannot prove',
    apply: (c) => {
      c.body('aws_s3_bucket_ownership_controls', `${c.a.id}/data/ownership`).rule = [
        { object_ownership: 'ObjectWriter' },
      ];
      return c.key(
        `aws_s3_bucket_ownership_controls.${nameAt(c.tenancy, 'aws_s3_bucket_ownership_controls', `${c.a.id}/data/ownership`)}`,
      );
    },
  },
];

export const BENIGN: readonly Benign[] = [
  {
    kind: "a GPU node instance profile naming its own role by the role's literal name",
    apply: (c) => {
      c.body('aws_iam_instance_profile', `${c.a.id}/gpu-node/instance-profile`).role =
        `${c.env}-${c.tenancyName.split('-').slice(1, -1).join('-')}-${c.a.id}-gpu-node`;
    },
  },
  {
    kind: 'tags added everywhere',
    apply: (c) => {
      for (const byName of Object.values(c.tenancy.resource ?? {}))
        for (const body of Object.values(byName))
          if (body.tags) (body.tags as Record<string, string>)['cost-center'] = 'ml-1';
    },
  },
  {
    kind: "an extra NACL deny of the other tenant's CIDR",
    apply: (c) => {
      c.add('aws_network_acl_rule', 'extra-deny', {
        network_acl_id: c.r('aws_network_acl', `${c.b.id}/network/nacl/acl`),
        egress: false,
        rule_number: 50,
        rule_action: 'deny',
        protocol: '-1',
        cidr_block: c.a.cidr,
      });
    },
  },
  {
    kind: "a tenant's own extra subnet, with its route table and NACL",
    apply: (c) => {
      const s = extraSubnet(c, c.a, 'own-extra', 202);
      c.add('aws_route_table_association', 'own-extra', {
        subnet_id: s,
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
      });
      c.add('aws_network_acl_association', 'own-extra', {
        subnet_id: s,
        network_acl_id: c.r('aws_network_acl', `${c.a.id}/network/nacl/acl`),
      });
    },
  },
  {
    kind: 'an extra route to shared services',
    apply: (c) => {
      const platform = c.network.resource!.aws_vpc![nameAt(c.network, 'aws_vpc', 'cluster-network/vpc')]!
        .cidr_block as string;
      c.add('aws_route', 'shared-extra', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_cidr_block: half(platform),
        transit_gateway_id: c.r('aws_ec2_transit_gateway', 'transit-hub/tgw'),
      });
    },
  },
  {
    kind: 'a blackhole removed with nothing else',
    apply: (c) => {
      delete c.tenancy.resource!.aws_ec2_transit_gateway_route![
        nameAt(c.tenancy, 'aws_ec2_transit_gateway_route', `${c.a.id}/transit/blackhole-${c.b.id}`)
      ];
    },
  },
  {
    kind: 'a peering to the shared-services VPC, which cannot be transitive',
    apply: (c) => {
      c.tenancy.output!.unused = { value: 'x' };
      const platform = nameAt(c.network, 'aws_vpc', 'cluster-network/vpc');
      c.add('aws_vpc_peering_connection', 'to-platform', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        peer_vpc_id: `\${data.terraform_remote_state.network.outputs.vpc_id}`,
        auto_accept: true,
      });
      const cidr = c.network.resource!.aws_vpc![platform]!.cidr_block as string;
      c.add('aws_route', 'to-platform', {
        route_table_id: c.r('aws_route_table', `${c.a.id}/network/rt`),
        destination_cidr_block: half(cidr),
        vpc_peering_connection_id: '${aws_vpc_peering_connection.to-platform.id}',
      });
    },
  },
  {
    kind: 'an endpoint policy on the S3 gateway endpoint',
    apply: (c) => {
      c.body('aws_vpc_endpoint', `${c.a.id}/network/s3-endpoint`).policy = json({
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: [bucketArn(c, c.a), `${bucketArn(c, c.a)}/*`] },
        ],
      });
    },
  },
  {
    kind: 'an interface endpoint for an AWS service in a tenant VPC',
    apply: (c) => {
      c.add('aws_vpc_endpoint', 'ssm', {
        vpc_id: c.r('aws_vpc', `${c.a.id}/network/vpc`),
        vpc_endpoint_type: 'Interface',
        service_name: 'com.amazonaws.us-east-1.ssm',
        subnet_ids: [subnet(c, c.a)],
        private_dns_enabled: true,
      });
    },
  },
  {
    kind: "an extra explicit deny of the other tenant's role in a bucket policy",
    apply: (c) => {
      const p = c.body('aws_s3_bucket_policy', `${c.a.id}/data/policy`);
      const doc = JSON.parse(p.policy as string) as { Statement: unknown[] };
      doc.Statement.push({
        Sid: 'DenyPartner',
        Effect: 'Deny',
        Principal: { AWS: roleArn(c, c.b) },
        Action: 's3:*',
        Resource: [bucketArn(c, c.a), `${bucketArn(c, c.a)}/*`],
      });
      p.policy = json(doc);
    },
  },
  {
    kind: "a security group rule to the tenant's own CIDR, through a local",
    apply: (c) => {
      (c.tenancy as { locals?: Record<string, unknown> }).locals = { own: c.a.cidr };
      c.add('aws_vpc_security_group_ingress_rule', 'own', {
        security_group_id: c.r('aws_security_group', `${c.a.id}/node-sg/sg`),
        cidr_ipv4: '${local.own}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      });
    },
  },
  {
    kind: "a new group in the tenant's VPC found by a data source lookup",
    apply: (c) => {
      c.tenancy.data!.aws_vpc = { own: { tags: { tenant: c.a.id } } };
      c.add('aws_security_group', 'lookup', {
        vpc_id: '${data.aws_vpc.own.id}',
        ingress: [{ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: [c.a.cidr] }],
      });
    },
  },
  { kind: 'IPv6 enabled on both tenant VPCs, with no rule admitting it', apply: (c) => enableIpv6(c) },
  {
    kind: 'alarms and a dashboard added (inert types)',
    apply: (c) => {
      c.add('aws_cloudwatch_metric_alarm', 'extra', {
        alarm_name: 'x',
        comparison_operator: 'GreaterThanThreshold',
        evaluation_periods: 1,
        threshold: 1,
      });
      c.add('aws_cloudwatch_dashboard', 'extra', { dashboard_name: 'x', dashboard_body: '{}' });
    },
  },
  {
    kind: 'a NAT gateway in the platform VPC for internet egress',
    apply: (c) => {
      const fabric = `\${aws_subnet.${nameAt(c.network, 'aws_subnet', `cluster-network/${c.hall}-frontend`)}.id}`;
      c.add(
        'aws_internet_gateway',
        'igw',
        { vpc_id: `\${aws_vpc.${nameAt(c.network, 'aws_vpc', 'cluster-network/vpc')}.id}` },
        c.network,
        c.networkName,
      );
      c.add('aws_nat_gateway', 'nat', { subnet_id: fabric }, c.network, c.networkName);
      c.add(
        'aws_route',
        'egress',
        {
          route_table_id: `\${aws_route_table.${nameAt(c.network, 'aws_route_table', `cluster-network/${c.hall}-fabric-rt`)}.id}`,
          destination_cidr_block: '0.0.0.0/0',
          nat_gateway_id: '${aws_nat_gateway.nat.id}',
        },
        c.network,
        c.networkName,
      );
    },
  },
  {
    kind: 'a load balancer reaching two tenants, named as an allowed shared service',
    apply: (c) => {
      c.add('aws_lb', 'registry', {
        load_balancer_type: 'network',
        internal: true,
        subnets: [subnet(c, c.a), subnet(c, c.b)],
        tags: { Name: 'model-registry' },
      });
    },
    allowedSharedServices: () => [
      { resource: 'model-registry', reason: 'read-only model registry every lab pulls base images from' },
    ],
  },
];

/**
 * Builds the context over a copy of the stack map: the first cluster with two tenants sharing a
 * hall. The tenancy, network and far tenancy stacks (all a mutation edits) are deep-copied.
 */
export function context(env: SynthesizedEnvironment, stacks: Map<string, StackJson>): Context {
  const name = env.config.environment.name;
  const cluster = env.config.clusters.find((cl) =>
    cl.tenants.some((x) =>
      cl.tenants.some((y) => x !== y && x.allocations.some((p) => y.allocations.some((q) => p.hall === q.hall))),
    ),
  )!;
  const [a, b] = cluster.tenants.filter((x) =>
    cluster.tenants.some((y) => x !== y && x.allocations.some((p) => y.allocations.some((q) => p.hall === q.hall))),
  ) as [Tenant, Tenant];
  const hall = a.allocations.find((p) => b.allocations.some((q) => q.hall === p.hall))!.hall;
  const farCluster = env.config.clusters.find((cl) => cl.id !== cluster.id)!;
  const tenancyName = `${name}-${cluster.id}-tenancy`;
  const networkName = `${name}-${cluster.id}-network`;
  const farTenancyName = `${name}-${farCluster.id}-tenancy`;
  // Only these stacks are edited: each is deep-copied here, the rest stay shared and untouched.
  for (const stack of [tenancyName, networkName, farTenancyName])
    stacks.set(stack, structuredClone(stacks.get(stack)!));
  const tenancy = stacks.get(tenancyName)!;
  return {
    env: name,
    stacks,
    a,
    b,
    far: farCluster.tenants[0]!,
    hall,
    tenancyName,
    tenancy,
    networkName,
    network: stacks.get(networkName)!,
    farTenancyName,
    farTenancy: stacks.get(farTenancyName)!,
    r: (type, path, attribute = 'id') => ref(tenancy, type, path, attribute),
    key: (address, stack = tenancyName) => `${stack}: ${address}`,
    add: (type, n, body, json = tenancy, stackName = tenancyName) =>
      `${stackName}: ${addResource(json, type, n, body)}`,
    body: (type, path, json = tenancy) => json.resource![type]![nameAt(json, type, path)]!,
  };
}
