import type { Layer } from './catalogue';
import { rangeOf, type AddressRange } from './intervals';
import { ReferenceResolver, tagsOf, type ResourceNode } from './references';
import type { SynthesizedStacks } from './synthesized';

/** The network of one environment, read from its synthesized Terraform. */

export interface Block {
  readonly cidr: string;
  readonly range: AddressRange;
  /** An Amazon-assigned IPv6 block: its addresses are known only at apply. */
  readonly assigned?: boolean;
}

/** Something the proof could not resolve or does not know: the proof cannot hold while one exists. */
export interface Unproven {
  readonly address: string;
  readonly attribute?: string;
  readonly reason: string;
  /** 'all': an unknown type or meta-argument, which could open a path in any layer. */
  readonly layer: Layer | 'all';
}

export type RouteTarget =
  | { readonly kind: 'transit-gateway'; readonly node: ResourceNode }
  | { readonly kind: 'peering'; readonly node: ResourceNode }
  /** A NAT gateway, interface or instance that forwards by its own subnets' route tables. */
  | { readonly kind: 'relay'; readonly node: ResourceNode; readonly subnets: ResourceNode[] }
  | { readonly kind: 'exit' };

export interface RouteEntry extends Block {
  /** The aws_route, or the table itself for an inline route. */
  readonly via: ResourceNode;
  readonly target: RouteTarget;
}

export interface TransitRoute extends Block {
  readonly via: ResourceNode;
  /** A VPC attachment or a Transit Gateway peering attachment. */
  readonly attachment: ResourceNode | undefined;
  readonly blackhole: boolean;
  readonly propagated: boolean;
}

export interface NaclRule extends Block {
  readonly order: number;
  readonly egress: boolean;
  readonly allow: boolean;
  readonly allProtocols: boolean;
  readonly via: ResourceNode;
}

export interface SecurityGroupRule {
  readonly via: ResourceNode;
  readonly egress: boolean;
  readonly cidrs: Block[];
  readonly groups: ResourceNode[];
}

export interface Placement {
  /** A launch template, auto scaling group, instance or interface that puts nodes somewhere. */
  readonly node: ResourceNode;
  /** The tenant its tags name; '' when untagged. */
  readonly tenant: string;
  readonly subnets: ResourceNode[];
  readonly securityGroups: ResourceNode[];
  /** Other resources that put it there (an interface attachment). */
  readonly via: ResourceNode[];
}

/** What the nodes of a launch template run as: its instance profile, and the profile's role. */
export interface NodeProfile {
  readonly template: ResourceNode;
  /** The tenant the template's tags name ('unallocated' for spare SUs, '' when untagged). */
  readonly tenant: string;
  readonly profile: ResourceNode;
  readonly role?: ResourceNode;
}

/** A shared service that can forward traffic or share data between whoever reaches it. */
export interface Relay {
  readonly node: ResourceNode;
  readonly what: string;
  /** Resources that make it reachable or make it forward (listeners, mount targets, endpoints). */
  readonly parts: ResourceNode[];
  readonly subnets: ResourceNode[];
  readonly vpcs: ResourceNode[];
  /** Where it forwards to: instances, interfaces, or addresses. */
  readonly targets: ResourceNode[];
  readonly targetBlocks: Block[];
}

export interface TransitAttachment {
  readonly node: ResourceNode;
  readonly gateway: ResourceNode;
  readonly vpc: ResourceNode;
  readonly subnets: ResourceNode[];
}

export interface Topology {
  readonly resolver: ReferenceResolver;
  readonly unproven: Unproven[];
  readonly vpcCidrs: Map<string, Block[]>;
  readonly vpcTenant: Map<string, string>;
  readonly subnetVpc: Map<string, ResourceNode>;
  readonly subnetBlocks: Map<string, Block[]>;
  readonly subnetTenant: Map<string, string>;
  readonly subnetRouteTable: Map<string, ResourceNode>;
  readonly routeTableVpc: Map<string, ResourceNode>;
  readonly routes: Map<string, RouteEntry[]>;
  readonly attachments: Map<string, TransitAttachment>;
  /** Transit Gateway peering attachments: the two gateways they join. */
  readonly transitPeerings: Map<string, { node: ResourceNode; gateways: [ResourceNode, ResourceNode] }>;
  readonly associations: Map<string, { table: string; via: ResourceNode[] }[]>;
  readonly transitRoutes: Map<string, TransitRoute[]>;
  readonly transitTables: Map<string, ResourceNode>;
  /** Transit Gateway route table key -> its gateway key. */
  readonly transitTableGateway: Map<string, string>;
  readonly peerings: { node: ResourceNode; vpcs: [ResourceNode, ResourceNode]; via: ResourceNode[] }[];
  /** Every NACL that claims the subnet (Terraform applies them in some order; any may win); undefined = AWS default. */
  readonly subnetNacls: Map<string, (ResourceNode | undefined)[]>;
  readonly naclRules: Map<string, NaclRule[]>;
  /** "<subnet>|<acl>" -> the resource that makes the NACL claim the subnet (an association). */
  readonly naclClaimVia: Map<string, ResourceNode>;
  readonly securityGroupVpc: Map<string, ResourceNode | undefined>;
  readonly securityGroupRules: Map<string, SecurityGroupRule[]>;
  readonly placements: Placement[];
  /** Launch templates that give their nodes an instance profile, with the profile's role. */
  readonly nodeProfiles: NodeProfile[];
  readonly relays: Relay[];
  readonly nodesByKey: Map<string, ResourceNode>;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A default-off flag: Terraform JSON may hold booleans or strings. */
function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === 'true' || value === 'enable';
}

const VPC_ATTRIBUTES = ['default_route_table_id', 'main_route_table_id', 'default_network_acl_id'];
const ID_ATTRIBUTES = ['id', 'arn', 'name', 'key_id', 'service_name', 'association_id'];
const ROUTE_TARGETS = [
  'transit_gateway_id',
  'vpc_peering_connection_id',
  'nat_gateway_id',
  'network_interface_id',
  'instance_id',
  'gateway_id',
  'egress_only_gateway_id',
  'vpc_endpoint_id',
  'local_gateway_id',
  'carrier_gateway_id',
  'core_network_arn',
];

export function readTopology(stacks: SynthesizedStacks): Topology {
  const resolver = new ReferenceResolver(stacks);
  const nodes = [...resolver.allNodes()];
  const byTypeMap = new Map<string, ResourceNode[]>();
  for (const n of nodes) byTypeMap.set(n.type, [...(byTypeMap.get(n.type) ?? []), n]);
  const byType = (...types: string[]) => types.flatMap((type) => byTypeMap.get(type) ?? []);
  const unproven: Unproven[] = [];
  const cannot = (n: ResourceNode, attribute: string, reason: string, layer: Layer) =>
    unproven.push({ address: n.key, attribute, reason, layer });

  /** The resource a value names; records "cannot prove" when it names something the proof cannot follow. */
  const ref = (n: ResourceNode, attribute: string, value: unknown, layer: Layer): ResourceNode | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const r = resolver.resolve(n.stack, value);
    if (r.kind === 'resource' && (ID_ATTRIBUTES.includes(r.attribute) || VPC_ATTRIBUTES.includes(r.attribute)))
      return r.node;
    if (r.kind === 'unknown') cannot(n, attribute, `cannot resolve ${r.expression}: ${r.why}`, layer);
    else if (r.kind === 'literal')
      cannot(n, attribute, `names ${JSON.stringify(r.value)}, which is not a resource of this synth output`, layer);
    else cannot(n, attribute, `names attribute ${r.attribute} of ${r.node.key}, which is computed at apply`, layer);
    return undefined;
  };
  const refs = (n: ResourceNode, attribute: string, value: unknown, layer: Layer) =>
    list(value)
      .map((v) => ref(n, attribute, v, layer))
      .filter((x): x is ResourceNode => x !== undefined);
  const typed = (node: ResourceNode | undefined, n: ResourceNode, attribute: string, types: string[], layer: Layer) => {
    if (!node || types.includes(node.type)) return node;
    cannot(n, attribute, `names ${node.key}, which is not a ${types.join(' or ')}`, layer);
    return undefined;
  };
  /** A literal scalar, or undefined when absent; "cannot prove" when only known at apply. */
  const lit = (n: ResourceNode, attribute: string, value: unknown, layer: Layer): string | undefined => {
    if (value === undefined || value === null) return undefined;
    const r = resolver.resolve(n.stack, value);
    if (r.kind === 'literal' && ['string', 'number', 'boolean'].includes(typeof r.value)) return String(r.value);
    if (r.kind === 'unknown') cannot(n, attribute, `cannot resolve ${r.expression}: ${r.why}`, layer);
    else cannot(n, attribute, `is not a literal value (${String(value)})`, layer);
    return undefined;
  };
  const assignedIpv6 = new Map<string, Block>();
  /** A CIDR (IPv4 or IPv6); "cannot prove" when it cannot be parsed or resolved. */
  const cidr = (n: ResourceNode, attribute: string, value: unknown, layer: Layer): Block | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const r = resolver.resolve(n.stack, value);
    if (r.kind === 'resource' && r.node.type === 'aws_vpc' && r.attribute === 'ipv6_cidr_block') {
      const block = assignedIpv6.get(r.node.key);
      if (block) return block;
    }
    if (r.kind === 'literal' && typeof r.value === 'string') {
      const range = rangeOf(r.value);
      if (range) return { cidr: r.value, range };
      cannot(n, attribute, `${r.value} is not a CIDR block`, layer);
      return undefined;
    }
    if (r.kind === 'unknown') cannot(n, attribute, `cannot resolve ${r.expression}: ${r.why}`, layer);
    else cannot(n, attribute, `is not a literal CIDR block (${String(value)})`, layer);
    return undefined;
  };
  const cidrs = (n: ResourceNode, attribute: string, value: unknown, layer: Layer) =>
    list(value)
      .map((v) => cidr(n, attribute, v, layer))
      .filter((b): b is Block => b !== undefined);

  const t: Topology = {
    resolver,
    unproven,
    vpcCidrs: new Map(),
    vpcTenant: new Map(),
    subnetVpc: new Map(),
    subnetBlocks: new Map(),
    subnetTenant: new Map(),
    subnetRouteTable: new Map(),
    routeTableVpc: new Map(),
    routes: new Map(),
    attachments: new Map(),
    transitPeerings: new Map(),
    associations: new Map(),
    transitRoutes: new Map(),
    transitTables: new Map(),
    transitTableGateway: new Map(),
    peerings: [],
    subnetNacls: new Map(),
    naclRules: new Map(),
    naclClaimVia: new Map(),
    securityGroupVpc: new Map(),
    securityGroupRules: new Map(),
    placements: [],
    nodeProfiles: [],
    relays: [],
    nodesByKey: new Map(nodes.map((n) => [n.key, n])),
  };

  // Managed prefix lists: their entries, inline and as separate resources.
  const prefixLists = new Map<string, Block[]>();
  for (const pl of byType('aws_ec2_managed_prefix_list')) {
    prefixLists.set(
      pl.key,
      (list(pl.body.entry) as Record<string, unknown>[]).flatMap((e) => cidrs(pl, 'entry.cidr', e.cidr, 'routing')),
    );
  }
  for (const e of byType('aws_ec2_managed_prefix_list_entry')) {
    const pl = typed(
      ref(e, 'prefix_list_id', e.body.prefix_list_id, 'routing'),
      e,
      'prefix_list_id',
      ['aws_ec2_managed_prefix_list'],
      'routing',
    );
    const block = cidr(e, 'cidr', e.body.cidr, 'routing');
    if (pl && block) prefixLists.get(pl.key)!.push(block);
  }
  const awsServiceList = (n: ResourceNode, value: unknown) => {
    // The prefix list of an AWS service gateway endpoint (S3, DynamoDB) holds AWS's addresses, no tenant's.
    const r = resolver.resolve(n.stack, value);
    if (r.kind !== 'resource' || r.node.type !== 'aws_vpc_endpoint' || r.attribute !== 'prefix_list_id') return false;
    const service = resolver.literal(r.node.stack, r.node.body.service_name) ?? '';
    return /^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/.test(service);
  };
  const prefixList = (n: ResourceNode, attribute: string, value: unknown, layer: Layer): Block[] =>
    refs(
      n,
      attribute,
      list(value).filter((v) => !awsServiceList(n, v)),
      layer,
    ).flatMap((pl) => {
      if (pl.type === 'aws_ec2_managed_prefix_list') return prefixLists.get(pl.key)!;
      cannot(n, attribute, `names ${pl.key}, which is not a managed prefix list`, layer);
      return [];
    });

  // VPCs and their blocks, IPv4 and IPv6.
  for (const vpc of byType('aws_vpc')) {
    const blocks = [cidr(vpc, 'cidr_block', vpc.body.cidr_block, 'routing')].filter((b) => b !== undefined);
    if (vpc.body.ipv4_ipam_pool_id !== undefined)
      cannot(vpc, 'ipv4_ipam_pool_id', 'an IPAM-assigned block is known only at apply', 'routing');
    const v6 = cidr(vpc, 'ipv6_cidr_block', vpc.body.ipv6_cidr_block, 'routing');
    if (v6) blocks.push(v6);
    else if (
      flag(lit(vpc, 'assign_generated_ipv6_cidr_block', vpc.body.assign_generated_ipv6_cidr_block, 'routing'), false)
    ) {
      // Amazon picks the /56 at apply; a unique stand-in lets references to it be followed.
      const index = BigInt(assignedIpv6.size + 1);
      const start = (0xfd00n << 112n) + (index << 72n);
      const block = {
        cidr: `Amazon-assigned IPv6 block of ${vpc.key}`,
        range: { start, end: start + (1n << 72n) },
        assigned: true,
      };
      assignedIpv6.set(vpc.key, block);
      blocks.push(block);
    }
    t.vpcCidrs.set(vpc.key, blocks);
    const tenant = tagsOf(vpc.body).tenant;
    if (tenant) t.vpcTenant.set(vpc.key, tenant);
  }
  for (const assoc of byType('aws_vpc_ipv4_cidr_block_association', 'aws_vpc_ipv6_cidr_block_association')) {
    const vpc = ref(assoc, 'vpc_id', assoc.body.vpc_id, 'routing');
    const field = assoc.type.includes('ipv6') ? 'ipv6_cidr_block' : 'cidr_block';
    const block = cidr(assoc, field, assoc.body[field], 'routing');
    if (assoc.type.includes('ipv6') && !block)
      cannot(assoc, field, 'an Amazon- or IPAM-assigned block is known only at apply', 'routing');
    if (vpc && block) t.vpcCidrs.get(vpc.key)?.push(block);
  }

  // Subnets: their VPC, blocks and tenant tag.
  for (const subnet of byType('aws_subnet')) {
    const vpc = ref(subnet, 'vpc_id', subnet.body.vpc_id, 'routing');
    if (vpc) t.subnetVpc.set(subnet.key, vpc);
    t.subnetBlocks.set(
      subnet.key,
      [
        cidr(subnet, 'cidr_block', subnet.body.cidr_block, 'routing'),
        cidr(subnet, 'ipv6_cidr_block', subnet.body.ipv6_cidr_block, 'routing'),
      ].filter((b) => b !== undefined),
    );
    const tenant = tagsOf(subnet.body).tenant;
    if (tenant) t.subnetTenant.set(subnet.key, tenant);
  }

  // Route targets that forward again, by the subnets they sit in.
  const relaySubnets = (n: ResourceNode): ResourceNode[] => {
    if (n.type === 'aws_nat_gateway' || n.type === 'aws_network_interface')
      return refs(n, 'subnet_id', n.body.subnet_id, 'routing');
    if (n.type === 'aws_instance') return refs(n, 'subnet_id', n.body.subnet_id, 'routing');
    return [];
  };

  // Route tables: explicit ones, and a VPC's main table when Terraform manages it.
  const mainTable = new Map<string, ResourceNode>();
  const addRoute = (table: ResourceNode, entry: RouteEntry) => {
    const routes = t.routes.get(table.key) ?? [];
    routes.push(entry);
    t.routes.set(table.key, routes);
  };
  const routeTarget = (n: ResourceNode, body: Record<string, unknown>): RouteTarget | undefined => {
    for (const field of ROUTE_TARGETS) {
      const value = body[field];
      if (value === undefined || value === null || value === '') continue;
      if (field === 'gateway_id' && value === 'local') return undefined;
      const node = ref(n, field, value, 'routing');
      if (!node) return undefined;
      if (node.type === 'aws_ec2_transit_gateway') return { kind: 'transit-gateway', node };
      if (node.type === 'aws_vpc_peering_connection') return { kind: 'peering', node };
      if (node.type === 'aws_vpc_peering_connection_accepter') {
        const pcx = ref(node, 'vpc_peering_connection_id', node.body.vpc_peering_connection_id, 'routing');
        return pcx ? { kind: 'peering', node: pcx } : undefined;
      }
      if (['aws_nat_gateway', 'aws_network_interface', 'aws_instance'].includes(node.type))
        return { kind: 'relay', node, subnets: relaySubnets(node) };
      if (['aws_internet_gateway', 'aws_egress_only_internet_gateway'].includes(node.type)) return { kind: 'exit' };
      if (node.type === 'aws_vpc_endpoint' && node.body.vpc_endpoint_type === 'Gateway') return { kind: 'exit' };
      cannot(n, field, `routes to ${node.key}, a target the proof does not follow`, 'routing');
      return undefined;
    }
    cannot(n, 'target', 'a route without a target the proof knows', 'routing');
    return undefined;
  };
  const routeDestinations = (n: ResourceNode, body: Record<string, unknown>, inline: boolean): Block[] => {
    const v4 = inline ? 'cidr_block' : 'destination_cidr_block';
    const v6 = inline ? 'ipv6_cidr_block' : 'destination_ipv6_cidr_block';
    const pl = inline ? 'destination_prefix_list_id' : 'destination_prefix_list_id';
    const out = [cidr(n, v4, body[v4], 'routing'), cidr(n, v6, body[v6], 'routing')].filter((b) => b !== undefined);
    out.push(...prefixList(n, pl, body[pl], 'routing'));
    return out;
  };
  const inlineRoutes = (table: ResourceNode) => {
    for (const r of list(table.body.route) as Record<string, unknown>[]) {
      const target = routeTarget(table, r);
      if (target)
        for (const dest of routeDestinations(table, r, true)) addRoute(table, { ...dest, via: table, target });
    }
  };
  for (const table of byType('aws_route_table')) {
    const vpc = ref(table, 'vpc_id', table.body.vpc_id, 'routing');
    if (vpc) t.routeTableVpc.set(table.key, vpc);
    inlineRoutes(table);
  }
  for (const table of byType('aws_default_route_table')) {
    const vpcAttr = resolver.resolve(table.stack, table.body.default_route_table_id);
    if (vpcAttr.kind === 'resource' && VPC_ATTRIBUTES.includes(vpcAttr.attribute)) {
      t.routeTableVpc.set(table.key, vpcAttr.node);
      mainTable.set(vpcAttr.node.key, table);
    } else
      cannot(
        table,
        'default_route_table_id',
        'does not name the default route table of a VPC of this synth output',
        'routing',
      );
    inlineRoutes(table);
  }
  for (const main of byType('aws_main_route_table_association')) {
    const vpc = ref(main, 'vpc_id', main.body.vpc_id, 'routing');
    const table = ref(main, 'route_table_id', main.body.route_table_id, 'routing');
    if (vpc && table) mainTable.set(vpc.key, table);
  }
  for (const route of byType('aws_route')) {
    const table = ref(route, 'route_table_id', route.body.route_table_id, 'routing');
    const target = routeTarget(route, route.body);
    const dests = routeDestinations(route, route.body, false);
    if (!table || !target) continue;
    // A route into a VPC's default table, named through the VPC attribute.
    const key = table.type === 'aws_vpc' ? (mainTable.get(table.key) ?? table) : table;
    if (table.type === 'aws_vpc') t.routeTableVpc.set(key.key, table);
    for (const dest of dests) addRoute(key, { ...dest, via: route, target });
  }
  for (const assoc of byType('aws_route_table_association')) {
    if (assoc.body.gateway_id !== undefined) continue; // edge association: a gateway's ingress table
    const subnet = ref(assoc, 'subnet_id', assoc.body.subnet_id, 'routing');
    const table = ref(assoc, 'route_table_id', assoc.body.route_table_id, 'routing');
    if (subnet && table) t.subnetRouteTable.set(subnet.key, table);
  }
  for (const [subnet, vpc] of t.subnetVpc) {
    if (!t.subnetRouteTable.has(subnet)) {
      const main = mainTable.get(vpc.key);
      if (main) t.subnetRouteTable.set(subnet, main);
    }
  }

  // Transit Gateways: attachments, peerings, associations, static and propagated routes.
  const gateways = new Map(
    byType('aws_ec2_transit_gateway').map((g) => [
      g.key,
      {
        node: g,
        association: flag(
          lit(g, 'default_route_table_association', g.body.default_route_table_association, 'routing'),
          true,
        ),
        propagation: flag(
          lit(g, 'default_route_table_propagation', g.body.default_route_table_propagation, 'routing'),
          true,
        ),
      },
    ]),
  );
  // A gateway's default route table exists only in AWS; it is modelled as the gateway itself.
  for (const g of gateways.values()) {
    t.transitTables.set(g.node.key, g.node);
    t.transitTableGateway.set(g.node.key, g.node.key);
  }
  for (const table of byType('aws_ec2_transit_gateway_route_table')) {
    t.transitTables.set(table.key, table);
    const gw = ref(table, 'transit_gateway_id', table.body.transit_gateway_id, 'routing');
    if (gw) t.transitTableGateway.set(table.key, gw.key);
  }
  const addTransitRoute = (table: string, route: TransitRoute) => {
    const routes = t.transitRoutes.get(table) ?? [];
    routes.push(route);
    t.transitRoutes.set(table, routes);
  };
  const associate = (attachment: string, table: string, via: ResourceNode[]) => {
    const l = t.associations.get(attachment) ?? [];
    l.push({ table, via });
    t.associations.set(attachment, l);
  };
  const gatewayRef = (n: ResourceNode, field: string) =>
    typed(ref(n, field, n.body[field], 'routing'), n, field, ['aws_ec2_transit_gateway'], 'routing');
  const propagations: { attachment: string; table: string; via: ResourceNode }[] = [];
  for (const att of byType('aws_ec2_transit_gateway_vpc_attachment')) {
    const gateway = gatewayRef(att, 'transit_gateway_id');
    const vpc = ref(att, 'vpc_id', att.body.vpc_id, 'routing');
    const subnets = refs(att, 'subnet_ids', att.body.subnet_ids, 'routing');
    if (!gateway || !vpc) continue;
    t.attachments.set(att.key, { node: att, gateway, vpc, subnets });
    const g = gateways.get(gateway.key);
    const assoc = lit(
      att,
      'transit_gateway_default_route_table_association',
      att.body.transit_gateway_default_route_table_association,
      'routing',
    );
    const prop = lit(
      att,
      'transit_gateway_default_route_table_propagation',
      att.body.transit_gateway_default_route_table_propagation,
      'routing',
    );
    if (g?.association && flag(assoc, true)) associate(att.key, gateway.key, [att, gateway]);
    if (g?.propagation && flag(prop, true))
      propagations.push({ attachment: att.key, table: gateway.key, via: gateway });
  }
  for (const p of byType('aws_ec2_transit_gateway_peering_attachment')) {
    const a = gatewayRef(p, 'transit_gateway_id');
    const b = gatewayRef(p, 'peer_transit_gateway_id');
    if (a && b) t.transitPeerings.set(p.key, { node: p, gateways: [a, b] });
  }
  /** An attachment named directly, or through a peering accepter. */
  const attachmentRef = (n: ResourceNode, field: string): ResourceNode | undefined => {
    const node = ref(n, field, n.body[field], 'routing');
    if (node?.type === 'aws_ec2_transit_gateway_peering_attachment_accepter')
      return ref(node, 'transit_gateway_attachment_id', node.body.transit_gateway_attachment_id, 'routing');
    return typed(
      node,
      n,
      field,
      ['aws_ec2_transit_gateway_vpc_attachment', 'aws_ec2_transit_gateway_peering_attachment'],
      'routing',
    );
  };
  for (const acc of byType('aws_ec2_transit_gateway_peering_attachment_accepter'))
    attachmentRef(acc, 'transit_gateway_attachment_id');
  for (const assoc of byType('aws_ec2_transit_gateway_route_table_association')) {
    const att = attachmentRef(assoc, 'transit_gateway_attachment_id');
    const table = ref(assoc, 'transit_gateway_route_table_id', assoc.body.transit_gateway_route_table_id, 'routing');
    if (att && table) associate(att.key, table.key, [assoc]);
  }
  for (const prop of byType('aws_ec2_transit_gateway_route_table_propagation')) {
    const att = attachmentRef(prop, 'transit_gateway_attachment_id');
    const table = ref(prop, 'transit_gateway_route_table_id', prop.body.transit_gateway_route_table_id, 'routing');
    if (att && table) propagations.push({ attachment: att.key, table: table.key, via: prop });
  }
  for (const p of propagations) {
    const att = t.attachments.get(p.attachment);
    for (const block of att ? (t.vpcCidrs.get(att.vpc.key) ?? []) : []) {
      addTransitRoute(p.table, { ...block, via: p.via, attachment: att!.node, blackhole: false, propagated: true });
    }
  }
  for (const route of byType('aws_ec2_transit_gateway_route', 'aws_ec2_transit_gateway_prefix_list_reference')) {
    const table = ref(route, 'transit_gateway_route_table_id', route.body.transit_gateway_route_table_id, 'routing');
    const dests =
      route.type === 'aws_ec2_transit_gateway_route'
        ? [cidr(route, 'destination_cidr_block', route.body.destination_cidr_block, 'routing')].filter(
            (b) => b !== undefined,
          )
        : prefixList(route, 'prefix_list_id', route.body.prefix_list_id, 'routing');
    const blackhole = flag(lit(route, 'blackhole', route.body.blackhole, 'routing'), false);
    const attachment = blackhole ? undefined : attachmentRef(route, 'transit_gateway_attachment_id');
    if (!table) continue;
    for (const dest of dests)
      addTransitRoute(table.key, { ...dest, via: route, attachment, blackhole, propagated: false });
  }

  // VPC peering, and accepters of peerings the synth does not create itself.
  for (const pcx of byType('aws_vpc_peering_connection')) {
    const a = ref(pcx, 'vpc_id', pcx.body.vpc_id, 'routing');
    const b = ref(pcx, 'peer_vpc_id', pcx.body.peer_vpc_id, 'routing');
    if (a && b) t.peerings.push({ node: pcx, vpcs: [a, b], via: [] });
  }
  for (const acc of byType('aws_vpc_peering_connection_accepter')) {
    typed(
      ref(acc, 'vpc_peering_connection_id', acc.body.vpc_peering_connection_id, 'routing'),
      acc,
      'vpc_peering_connection_id',
      ['aws_vpc_peering_connection'],
      'routing',
    );
  }

  // NACLs: every one that claims each subnet, and their rules in number order.
  const defaultNacl = new Map<string, ResourceNode>();
  const claim = (subnet: string, acl: ResourceNode | undefined) => {
    const l = t.subnetNacls.get(subnet) ?? [];
    if (!l.includes(acl)) l.push(acl);
    t.subnetNacls.set(subnet, l);
  };
  const addNaclRule = (acl: ResourceNode, via: ResourceNode, egress: boolean, r: Record<string, unknown>) => {
    const blocks = [
      cidr(via, 'cidr_block', r.cidr_block, 'nacl'),
      cidr(via, 'ipv6_cidr_block', r.ipv6_cidr_block, 'nacl'),
    ].filter((b) => b !== undefined);
    const protocol = lit(via, 'protocol', r.protocol, 'nacl') ?? '';
    const action = lit(via, 'rule_action', r.rule_action ?? r.action, 'nacl');
    const order = Number(lit(via, 'rule_number', r.rule_number ?? r.rule_no, 'nacl'));
    const rules = t.naclRules.get(acl.key) ?? [];
    for (const block of blocks) {
      rules.push({
        ...block,
        order,
        egress,
        allow: action === 'allow',
        allProtocols: protocol === '-1' || protocol === 'all',
        via,
      });
    }
    t.naclRules.set(acl.key, rules);
  };
  const inlineNaclRules = (acl: ResourceNode) => {
    t.naclRules.set(acl.key, t.naclRules.get(acl.key) ?? []);
    for (const r of list(acl.body.ingress) as Record<string, unknown>[]) addNaclRule(acl, acl, false, r);
    for (const r of list(acl.body.egress) as Record<string, unknown>[]) addNaclRule(acl, acl, true, r);
  };
  for (const acl of byType('aws_network_acl')) {
    inlineNaclRules(acl);
    for (const subnet of refs(acl, 'subnet_ids', acl.body.subnet_ids, 'nacl')) claim(subnet.key, acl);
  }
  for (const acl of byType('aws_default_network_acl')) {
    inlineNaclRules(acl);
    const vpcAttr = resolver.resolve(acl.stack, acl.body.default_network_acl_id);
    if (vpcAttr.kind === 'resource' && vpcAttr.node.type === 'aws_vpc') defaultNacl.set(vpcAttr.node.key, acl);
    else cannot(acl, 'default_network_acl_id', 'does not name the default NACL of a VPC of this synth output', 'nacl');
    for (const subnet of refs(acl, 'subnet_ids', acl.body.subnet_ids, 'nacl')) claim(subnet.key, acl);
  }
  for (const assoc of byType('aws_network_acl_association')) {
    const acl = ref(assoc, 'network_acl_id', assoc.body.network_acl_id, 'nacl');
    const subnet = ref(assoc, 'subnet_id', assoc.body.subnet_id, 'nacl');
    if (acl && subnet) {
      claim(subnet.key, acl);
      t.naclClaimVia.set(`${subnet.key}|${acl.key}`, assoc);
    }
  }
  for (const rule of byType('aws_network_acl_rule')) {
    const acl = ref(rule, 'network_acl_id', rule.body.network_acl_id, 'nacl');
    const egress = flag(lit(rule, 'egress', rule.body.egress, 'nacl'), false);
    if (acl) addNaclRule(acl, rule, egress, rule.body);
  }
  for (const [subnet, vpc] of t.subnetVpc) {
    // Unclaimed subnets fall back on the VPC default NACL; unmanaged, AWS's allows all (undefined).
    if (!t.subnetNacls.has(subnet)) claim(subnet, defaultNacl.get(vpc.key));
  }

  // Security groups and their rules, in all three Terraform spellings, IPv4, IPv6 and prefix lists.
  const addSgRule = (sg: ResourceNode | undefined, rule: SecurityGroupRule) => {
    if (!sg) return;
    const rules = t.securityGroupRules.get(sg.key) ?? [];
    rules.push(rule);
    t.securityGroupRules.set(sg.key, rules);
  };
  const L: Layer = 'security-group';
  for (const sg of byType('aws_security_group', 'aws_default_security_group')) {
    t.securityGroupVpc.set(sg.key, ref(sg, 'vpc_id', sg.body.vpc_id, L));
    t.securityGroupRules.set(sg.key, t.securityGroupRules.get(sg.key) ?? []);
    for (const egress of [false, true]) {
      for (const r of list(sg.body[egress ? 'egress' : 'ingress']) as Record<string, unknown>[]) {
        addSgRule(sg, {
          via: sg,
          egress,
          cidrs: [
            ...cidrs(sg, 'cidr_blocks', r.cidr_blocks, L),
            ...cidrs(sg, 'ipv6_cidr_blocks', r.ipv6_cidr_blocks, L),
            ...prefixList(sg, 'prefix_list_ids', r.prefix_list_ids, L),
          ],
          groups: [
            ...refs(sg, 'security_groups', r.security_groups, L),
            ...(flag(lit(sg, 'self', r.self, L), false) ? [sg] : []),
          ],
        });
      }
    }
  }
  for (const rule of byType('aws_security_group_rule')) {
    const sg = ref(rule, 'security_group_id', rule.body.security_group_id, L);
    addSgRule(sg, {
      via: rule,
      egress: lit(rule, 'type', rule.body.type, L) === 'egress',
      cidrs: [
        ...cidrs(rule, 'cidr_blocks', rule.body.cidr_blocks, L),
        ...cidrs(rule, 'ipv6_cidr_blocks', rule.body.ipv6_cidr_blocks, L),
        ...prefixList(rule, 'prefix_list_ids', rule.body.prefix_list_ids, L),
      ],
      groups: [
        ...refs(rule, 'source_security_group_id', rule.body.source_security_group_id, L),
        ...(flag(lit(rule, 'self', rule.body.self, L), false) && sg ? [sg] : []),
      ],
    });
  }
  for (const [type, egress] of [
    ['aws_vpc_security_group_ingress_rule', false],
    ['aws_vpc_security_group_egress_rule', true],
  ] as const) {
    for (const rule of byType(type)) {
      addSgRule(ref(rule, 'security_group_id', rule.body.security_group_id, L), {
        via: rule,
        egress,
        cidrs: [
          ...cidrs(rule, 'cidr_ipv4', rule.body.cidr_ipv4, L),
          ...cidrs(rule, 'cidr_ipv6', rule.body.cidr_ipv6, L),
          ...prefixList(rule, 'prefix_list_id', rule.body.prefix_list_id, L),
        ],
        groups: refs(rule, 'referenced_security_group_id', rule.body.referenced_security_group_id, L),
      });
    }
  }

  /**
   * The IAM resource (a profile, a role) a value names. A reference to a name resolves to the
   * name itself, so a name is followed to the one resource of the type that has it; none or
   * several is "cannot prove", as is anything else the value resolves to.
   */
  const iamNamed = (n: ResourceNode, attribute: string, value: unknown, type: string): ResourceNode | undefined => {
    if (value === undefined || value === null) return undefined;
    const r = resolver.resolve(n.stack, value);
    if (r.kind === 'resource' && r.node.type === type && ['arn', 'name', 'id'].includes(r.attribute)) return r.node;
    if (r.kind === 'literal' && typeof r.value === 'string') {
      const found = byType(type).filter((x) => {
        const name = resolver.resolve(x.stack, x.body.name);
        return name.kind === 'literal' && name.value === r.value;
      });
      if (found.length === 1) return found[0];
      cannot(
        n,
        attribute,
        `names ${JSON.stringify(r.value)}, the name of ${found.length} ${type} of this synth output`,
        'access',
      );
      return undefined;
    }
    cannot(
      n,
      attribute,
      r.kind === 'unknown'
        ? `cannot resolve ${r.expression}: ${r.why}`
        : r.kind === 'resource'
          ? `names ${r.node.key} (${r.attribute}), which is not a ${type}`
          : `does not name a ${type} (${String(value)})`,
      'access',
    );
    return undefined;
  };

  // Placements: where each tenant's nodes, instances and interfaces land.
  const P: Layer = 'placement';
  const templates = new Map<string, Placement>();
  for (const lt of byType('aws_launch_template')) {
    const nics = list(lt.body.network_interfaces) as Record<string, unknown>[];
    const placement: Placement = {
      node: lt,
      tenant: tagsOf(lt.body).tenant ?? '',
      subnets: nics.flatMap((nic) => refs(lt, 'network_interfaces.subnet_id', nic.subnet_id, P)),
      securityGroups: [
        ...nics.flatMap((nic) => refs(lt, 'network_interfaces.security_groups', nic.security_groups, P)),
        ...refs(lt, 'vpc_security_group_ids', lt.body.vpc_security_group_ids, P),
      ],
      via: [],
    };
    templates.set(lt.key, placement);
    // The profile (by ARN or name) joins a role to every node the template launches.
    const spec = (list(lt.body.iam_instance_profile)[0] ?? {}) as Record<string, unknown>;
    const profile = iamNamed(lt, 'iam_instance_profile', spec.arn ?? spec.name, 'aws_iam_instance_profile');
    if (profile) {
      const role = iamNamed(profile, 'role', profile.body.role, 'aws_iam_role');
      t.nodeProfiles.push({ template: lt, tenant: placement.tenant, profile, ...(role ? { role } : {}) });
    }
  }
  for (const asg of byType('aws_autoscaling_group')) {
    const spec = (list(asg.body.launch_template)[0] ?? {}) as Record<string, unknown>;
    const lt = ref(asg, 'launch_template', spec.id ?? spec.name, P);
    const template = lt ? templates.get(lt.key) : undefined;
    const subnets = refs(asg, 'vpc_zone_identifier', asg.body.vpc_zone_identifier, P);
    t.placements.push({
      node: asg,
      tenant: tagsOf(asg.body).tenant ?? template?.tenant ?? '',
      // A template's own interface subnets win over the group's; both are where nodes may land.
      subnets: [...subnets, ...(template?.subnets ?? [])],
      securityGroups: template?.securityGroups ?? [],
      via: template ? [template.node] : [],
    });
  }
  const interfaces = new Map<
    string,
    { node: ResourceNode; subnets: ResourceNode[]; groups: ResourceNode[]; hosts: ResourceNode[]; via: ResourceNode[] }
  >();
  for (const eni of byType('aws_network_interface')) {
    interfaces.set(eni.key, {
      node: eni,
      subnets: refs(eni, 'subnet_id', eni.body.subnet_id, P),
      groups: refs(eni, 'security_groups', eni.body.security_groups, P),
      hosts: (list(eni.body.attachment) as Record<string, unknown>[]).flatMap((a) =>
        refs(eni, 'attachment.instance', a.instance, P),
      ),
      via: [],
    });
  }
  for (const att of byType('aws_network_interface_attachment')) {
    const eni = typed(
      ref(att, 'network_interface_id', att.body.network_interface_id, P),
      att,
      'network_interface_id',
      ['aws_network_interface'],
      P,
    );
    const host = ref(att, 'instance_id', att.body.instance_id, P);
    if (eni && host) {
      interfaces.get(eni.key)!.hosts.push(host);
      interfaces.get(eni.key)!.via.push(att);
    }
  }
  for (const att of byType('aws_network_interface_sg_attachment')) {
    const eni = typed(
      ref(att, 'network_interface_id', att.body.network_interface_id, P),
      att,
      'network_interface_id',
      ['aws_network_interface'],
      P,
    );
    const sg = ref(att, 'security_group_id', att.body.security_group_id, P);
    if (eni && sg) {
      interfaces.get(eni.key)!.groups.push(sg);
      interfaces.get(eni.key)!.via.push(att);
    }
  }
  for (const instance of byType('aws_instance')) {
    const attached = [...interfaces.values()].filter((i) => i.hosts.some((h) => h.key === instance.key));
    const inline = (list(instance.body.network_interface) as Record<string, unknown>[]).flatMap((b) =>
      refs(instance, 'network_interface.network_interface_id', b.network_interface_id, P),
    );
    const inlineIfs = inline.map((n) => interfaces.get(n.key)).filter((i) => i !== undefined);
    const all = [...attached, ...inlineIfs];
    t.placements.push({
      node: instance,
      tenant: tagsOf(instance.body).tenant ?? '',
      subnets: [...refs(instance, 'subnet_id', instance.body.subnet_id, P), ...all.flatMap((i) => i.subnets)],
      securityGroups: [
        ...refs(instance, 'vpc_security_group_ids', instance.body.vpc_security_group_ids, P),
        ...all.flatMap((i) => i.groups),
      ],
      via: all.flatMap((i) => [i.node, ...i.via]),
    });
  }
  for (const i of interfaces.values()) {
    t.placements.push({
      node: i.node,
      tenant: tagsOf(i.node.body).tenant ?? '',
      subnets: i.subnets,
      securityGroups: i.groups,
      via: i.via,
    });
  }
  t.placements.push(...templates.values());

  // Relays: shared services that forward traffic or share data.
  const R: Layer = 'routing';
  const targetGroups = new Map<string, { targets: ResourceNode[]; blocks: Block[]; parts: ResourceNode[] }>();
  for (const tg of byType('aws_lb_target_group', 'aws_alb_target_group'))
    targetGroups.set(tg.key, { targets: [], blocks: [], parts: [tg] });
  for (const att of byType('aws_lb_target_group_attachment', 'aws_alb_target_group_attachment')) {
    const tg = typed(
      ref(att, 'target_group_arn', att.body.target_group_arn, R),
      att,
      'target_group_arn',
      ['aws_lb_target_group', 'aws_alb_target_group'],
      R,
    );
    if (!tg) continue;
    const group = targetGroups.get(tg.key)!;
    group.parts.push(att);
    const literal = resolver.resolve(att.stack, att.body.target_id);
    if (literal.kind === 'literal' && typeof literal.value === 'string' && rangeOf(`${literal.value}/32`)) {
      group.blocks.push({ cidr: `${literal.value}/32`, range: rangeOf(`${literal.value}/32`)! });
    } else {
      const target = ref(att, 'target_id', att.body.target_id, R);
      if (target) group.targets.push(target);
    }
  }
  const balancers = new Map<string, Relay>();
  for (const lb of byType('aws_lb', 'aws_alb', 'aws_elb')) {
    const relay: Relay = {
      node: lb,
      what: 'load balancer',
      parts: [],
      subnets: [
        ...refs(lb, 'subnets', lb.body.subnets, R),
        ...(list(lb.body.subnet_mapping) as Record<string, unknown>[]).flatMap((m) =>
          refs(lb, 'subnet_mapping.subnet_id', m.subnet_id, R),
        ),
      ],
      vpcs: [],
      targets: refs(lb, 'instances', lb.body.instances, R),
      targetBlocks: [],
    };
    balancers.set(lb.key, relay);
    t.relays.push(relay);
  }
  for (const listener of byType('aws_lb_listener', 'aws_alb_listener')) {
    const lb = typed(
      ref(listener, 'load_balancer_arn', listener.body.load_balancer_arn, R),
      listener,
      'load_balancer_arn',
      ['aws_lb', 'aws_alb'],
      R,
    );
    const actions = list(listener.body.default_action) as Record<string, unknown>[];
    const tgValues = actions.flatMap((a) => [
      a.target_group_arn,
      ...(list(a.forward) as Record<string, unknown>[]).flatMap((f) =>
        (list(f.target_group) as Record<string, unknown>[]).map((g) => g.arn),
      ),
    ]);
    const groups = refs(
      listener,
      'default_action.target_group_arn',
      tgValues.filter((v) => v !== undefined),
      R,
    );
    const relay = lb ? balancers.get(lb.key) : undefined;
    if (!relay) continue;
    relay.parts.push(listener);
    for (const g of groups) {
      const group = targetGroups.get(g.key);
      if (!group) continue;
      relay.parts.push(...group.parts);
      relay.targets.push(...group.targets);
      relay.targetBlocks.push(...group.blocks);
    }
  }
  const services = new Map<string, Relay>();
  for (const svc of byType('aws_vpc_endpoint_service')) {
    const lbs = refs(svc, 'network_load_balancer_arns', svc.body.network_load_balancer_arns, R).concat(
      refs(svc, 'gateway_load_balancer_arns', svc.body.gateway_load_balancer_arns, R),
    );
    const inner = lbs.map((l) => balancers.get(l.key)).filter((r) => r !== undefined);
    const relay: Relay = {
      node: svc,
      what: 'endpoint service (PrivateLink)',
      parts: inner.flatMap((r) => [r.node, ...r.parts]),
      subnets: inner.flatMap((r) => r.subnets),
      vpcs: [],
      targets: inner.flatMap((r) => r.targets),
      targetBlocks: inner.flatMap((r) => r.targetBlocks),
    };
    services.set(svc.key, relay);
    t.relays.push(relay);
  }
  for (const ep of byType('aws_vpc_endpoint')) {
    const type = lit(ep, 'vpc_endpoint_type', ep.body.vpc_endpoint_type ?? 'Gateway', R);
    const service = resolver.resolve(ep.stack, ep.body.service_name);
    const vpc = ref(ep, 'vpc_id', ep.body.vpc_id, R);
    if (
      service.kind === 'literal' &&
      typeof service.value === 'string' &&
      /^com\.amazonaws\.[a-z0-9-]+\.[a-z0-9.-]+$/.test(service.value) &&
      !service.value.includes('.vpce.')
    ) {
      // An AWS service endpoint: it reaches the AWS service, not another tenant. Its policy only narrows.
      continue;
    }
    const svc = service.kind === 'resource' ? services.get(service.node.key) : undefined;
    if (!svc) {
      cannot(
        ep,
        'service_name',
        `connects to ${String(ep.body.service_name)}, a service the proof cannot see behind`,
        R,
      );
      continue;
    }
    svc.parts.push(ep);
    if (vpc) svc.vpcs.push(vpc);
    svc.subnets.push(...refs(ep, 'subnet_ids', ep.body.subnet_ids, R));
    if (type === 'GatewayLoadBalancer') svc.parts.push(...refs(ep, 'route_table_ids', ep.body.route_table_ids, R));
  }
  const fileSystems = new Map<string, Relay>();
  for (const fs of byType('aws_efs_file_system')) {
    const relay: Relay = {
      node: fs,
      what: 'shared file system',
      parts: [],
      subnets: [],
      vpcs: [],
      targets: [],
      targetBlocks: [],
    };
    fileSystems.set(fs.key, relay);
    t.relays.push(relay);
  }
  for (const mt of byType('aws_efs_mount_target')) {
    const fs = typed(
      ref(mt, 'file_system_id', mt.body.file_system_id, R),
      mt,
      'file_system_id',
      ['aws_efs_file_system'],
      R,
    );
    const relay = fs ? fileSystems.get(fs.key) : undefined;
    if (!relay) continue;
    relay.parts.push(mt);
    relay.subnets.push(...refs(mt, 'subnet_id', mt.body.subnet_id, R));
  }
  for (const fsx of byType(
    'aws_fsx_lustre_file_system',
    'aws_fsx_ontap_file_system',
    'aws_fsx_openzfs_file_system',
    'aws_fsx_windows_file_system',
  )) {
    t.relays.push({
      node: fsx,
      what: 'shared file system',
      parts: [],
      subnets: refs(fsx, 'subnet_ids', fsx.body.subnet_ids, R),
      vpcs: [],
      targets: [],
      targetBlocks: [],
    });
  }
  return t;
}
