import { rangeOf, type AddressRange } from './intervals';
import { ReferenceResolver, type ResourceNode } from './references';
import type { SynthesizedStacks } from './synthesized';

/** The network of one environment, read from its synthesized Terraform. */

export interface RouteEntry {
  readonly range: AddressRange;
  readonly cidr: string;
  /** The aws_route, or the table itself for an inline route. */
  readonly via: ResourceNode;
  readonly target:
    | { readonly kind: 'transit-gateway'; readonly node: ResourceNode }
    | { readonly kind: 'peering'; readonly node: ResourceNode }
    | { readonly kind: 'other' };
}

export interface TransitRoute {
  readonly range: AddressRange;
  readonly cidr: string;
  readonly via: ResourceNode;
  readonly attachment: ResourceNode | undefined;
  readonly blackhole: boolean;
  readonly propagated: boolean;
}

export interface NaclRule {
  readonly range: AddressRange;
  readonly cidr: string;
  readonly order: number;
  readonly egress: boolean;
  readonly allow: boolean;
  readonly allProtocols: boolean;
  readonly via: ResourceNode;
}

export interface SecurityGroupRule {
  readonly via: ResourceNode;
  readonly egress: boolean;
  readonly cidrs: { readonly cidr: string; readonly range: AddressRange }[];
  readonly groups: ResourceNode[];
}

export interface Placement {
  /** A launch template, auto scaling group or instance that puts a tenant's nodes somewhere. */
  readonly node: ResourceNode;
  readonly tenant: string;
  readonly subnets: ResourceNode[];
  readonly securityGroups: ResourceNode[];
}

export interface Topology {
  readonly resolver: ReferenceResolver;
  /** VPC key -> its address blocks. */
  readonly vpcCidrs: Map<string, { cidr: string; range: AddressRange }[]>;
  readonly vpcTenant: Map<string, string>;
  readonly subnetVpc: Map<string, ResourceNode>;
  readonly subnetRange: Map<string, AddressRange>;
  /** Subnet key -> its route table (explicit association, else the VPC's main table). */
  readonly subnetRouteTable: Map<string, ResourceNode>;
  readonly routeTableVpc: Map<string, ResourceNode>;
  readonly routes: Map<string, RouteEntry[]>;
  /** Transit Gateway attachments by key: their gateway, VPC and subnets. */
  readonly attachments: Map<
    string,
    { node: ResourceNode; gateway: ResourceNode; vpc: ResourceNode; subnets: ResourceNode[] }
  >;
  /** Attachment key -> the Transit Gateway route tables it is associated with (with the association). */
  readonly associations: Map<string, { table: string; via: ResourceNode[] }[]>;
  /** TGW route table key -> its routes, propagated ones included. */
  readonly transitRoutes: Map<string, TransitRoute[]>;
  readonly transitTables: Map<string, ResourceNode>;
  readonly peerings: { node: ResourceNode; vpcs: [ResourceNode, ResourceNode] }[];
  readonly subnetNacl: Map<string, ResourceNode | undefined>;
  readonly naclRules: Map<string, NaclRule[]>;
  readonly securityGroupVpc: Map<string, ResourceNode | undefined>;
  readonly securityGroupRules: Map<string, SecurityGroupRule[]>;
  readonly placements: Placement[];
  readonly nodesByKey: Map<string, ResourceNode>;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function tagsOf(body: Record<string, unknown>): Record<string, string> {
  const tags = { ...((body.tags ?? {}) as Record<string, string>) };
  for (const t of list(body.tag) as { key?: string; value?: string }[]) if (t.key) tags[t.key] = String(t.value);
  return tags;
}

/** A default-off flag: Terraform JSON may hold booleans or strings. */
function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === 'true' || value === 'enable';
}

const VPC_ATTRIBUTES = ['default_route_table_id', 'main_route_table_id', 'default_network_acl_id'];

export function readTopology(stacks: SynthesizedStacks): Topology {
  const resolver = new ReferenceResolver(stacks);
  const nodes = [...resolver.allNodes()];
  const byType = (type: string) => nodes.filter((n) => n.type === type);
  const target = (n: ResourceNode, field: string) => resolver.target(n.stack, n.body[field]);
  const literal = (n: ResourceNode, field: string) => resolver.literal(n.stack, n.body[field]);
  const targets = (n: ResourceNode, value: unknown) =>
    list(value)
      .map((v) => resolver.target(n.stack, v))
      .filter((t): t is ResourceNode => t !== undefined);
  const withRange = (cidr: string | undefined) => {
    const range = cidr ? rangeOf(cidr) : undefined;
    return cidr && range ? { cidr, range } : undefined;
  };

  const t: Topology = {
    resolver,
    vpcCidrs: new Map(),
    vpcTenant: new Map(),
    subnetVpc: new Map(),
    subnetRange: new Map(),
    subnetRouteTable: new Map(),
    routeTableVpc: new Map(),
    routes: new Map(),
    attachments: new Map(),
    associations: new Map(),
    transitRoutes: new Map(),
    transitTables: new Map(),
    peerings: [],
    subnetNacl: new Map(),
    naclRules: new Map(),
    securityGroupVpc: new Map(),
    securityGroupRules: new Map(),
    placements: [],
    nodesByKey: new Map(nodes.map((n) => [n.key, n])),
  };

  // VPCs and their blocks.
  for (const vpc of byType('aws_vpc')) {
    t.vpcCidrs.set(
      vpc.key,
      [withRange(literal(vpc, 'cidr_block'))].filter((b) => b !== undefined),
    );
    const tenant = tagsOf(vpc.body).tenant;
    if (tenant) t.vpcTenant.set(vpc.key, tenant);
  }
  for (const assoc of byType('aws_vpc_ipv4_cidr_block_association')) {
    const vpc = target(assoc, 'vpc_id');
    const block = withRange(literal(assoc, 'cidr_block'));
    if (vpc && block) t.vpcCidrs.get(vpc.key)?.push(block);
  }

  // Route tables: explicit ones, and a VPC's main table when Terraform manages it.
  const mainTable = new Map<string, ResourceNode>();
  const addRoute = (table: ResourceNode, entry: RouteEntry) => {
    const routes = t.routes.get(table.key) ?? [];
    routes.push(entry);
    t.routes.set(table.key, routes);
  };
  const routeTarget = (n: ResourceNode, body: Record<string, unknown>): RouteEntry['target'] => {
    const tgw = resolver.target(n.stack, body.transit_gateway_id);
    if (tgw) return { kind: 'transit-gateway', node: tgw };
    const pcx = resolver.target(n.stack, body.vpc_peering_connection_id);
    if (pcx) return { kind: 'peering', node: pcx };
    return { kind: 'other' };
  };
  const inlineRoutes = (table: ResourceNode) => {
    for (const r of list(table.body.route) as Record<string, unknown>[]) {
      const dest = withRange(resolver.literal(table.stack, r.cidr_block));
      if (dest) addRoute(table, { ...dest, via: table, target: routeTarget(table, r) });
    }
  };
  for (const table of byType('aws_route_table')) {
    const vpc = target(table, 'vpc_id');
    if (vpc) t.routeTableVpc.set(table.key, vpc);
    inlineRoutes(table);
  }
  for (const table of byType('aws_default_route_table')) {
    const vpcAttr = resolver.attributeOf(table.stack, table.body.default_route_table_id);
    if (vpcAttr && VPC_ATTRIBUTES.includes(vpcAttr.attribute)) {
      t.routeTableVpc.set(table.key, vpcAttr.node);
      mainTable.set(vpcAttr.node.key, table);
    }
    inlineRoutes(table);
  }
  for (const main of byType('aws_main_route_table_association')) {
    const vpc = target(main, 'vpc_id');
    const table = target(main, 'route_table_id');
    if (vpc && table) mainTable.set(vpc.key, table);
  }
  for (const route of byType('aws_route')) {
    const table = target(route, 'route_table_id') ?? resolver.attributeOf(route.stack, route.body.route_table_id)?.node;
    const dest = withRange(literal(route, 'destination_cidr_block'));
    if (!table || !dest) continue;
    // A route into a VPC's default table, named through the VPC attribute.
    const key = table.type === 'aws_vpc' ? (mainTable.get(table.key) ?? table) : table;
    if (table.type === 'aws_vpc') t.routeTableVpc.set(key.key, table);
    addRoute(key, { ...dest, via: route, target: routeTarget(route, route.body) });
  }

  // Subnets and where their packets are routed from.
  for (const subnet of byType('aws_subnet')) {
    const vpc = target(subnet, 'vpc_id');
    if (vpc) t.subnetVpc.set(subnet.key, vpc);
    const block = withRange(literal(subnet, 'cidr_block'));
    if (block) t.subnetRange.set(subnet.key, block.range);
  }
  for (const assoc of byType('aws_route_table_association')) {
    const subnet = target(assoc, 'subnet_id');
    const table = target(assoc, 'route_table_id');
    if (subnet && table) t.subnetRouteTable.set(subnet.key, table);
  }
  for (const [subnet, vpc] of t.subnetVpc) {
    if (!t.subnetRouteTable.has(subnet)) {
      const main = mainTable.get(vpc.key);
      if (main) t.subnetRouteTable.set(subnet, main);
    }
  }

  // Transit Gateways: attachments, associations, static and propagated routes.
  const gateways = new Map(
    byType('aws_ec2_transit_gateway').map((g) => [
      g.key,
      {
        node: g,
        association: flag(literal(g, 'default_route_table_association'), true),
        propagation: flag(literal(g, 'default_route_table_propagation'), true),
      },
    ]),
  );
  // A gateway's default route table exists only in AWS; it is modelled as the gateway itself.
  for (const g of gateways.values()) t.transitTables.set(g.node.key, g.node);
  for (const table of byType('aws_ec2_transit_gateway_route_table')) t.transitTables.set(table.key, table);
  const addTransitRoute = (table: string, route: TransitRoute) => {
    const routes = t.transitRoutes.get(table) ?? [];
    routes.push(route);
    t.transitRoutes.set(table, routes);
  };
  const associate = (attachment: string, table: string, via: ResourceNode[]) => {
    const list = t.associations.get(attachment) ?? [];
    list.push({ table, via });
    t.associations.set(attachment, list);
  };
  const propagations: { attachment: string; table: string; via: ResourceNode }[] = [];
  for (const att of byType('aws_ec2_transit_gateway_vpc_attachment')) {
    const gateway = target(att, 'transit_gateway_id');
    const vpc = target(att, 'vpc_id');
    if (!gateway || !vpc) continue;
    t.attachments.set(att.key, { node: att, gateway, vpc, subnets: targets(att, att.body.subnet_ids) });
    const g = gateways.get(gateway.key);
    if (g?.association && flag(literal(att, 'transit_gateway_default_route_table_association'), true)) {
      associate(att.key, gateway.key, [att, gateway]);
    }
    if (g?.propagation && flag(literal(att, 'transit_gateway_default_route_table_propagation'), true)) {
      propagations.push({ attachment: att.key, table: gateway.key, via: gateway });
    }
  }
  for (const assoc of byType('aws_ec2_transit_gateway_route_table_association')) {
    const att = target(assoc, 'transit_gateway_attachment_id');
    const table = target(assoc, 'transit_gateway_route_table_id');
    if (att && table) associate(att.key, table.key, [assoc]);
  }
  for (const prop of byType('aws_ec2_transit_gateway_route_table_propagation')) {
    const att = target(prop, 'transit_gateway_attachment_id');
    const table = target(prop, 'transit_gateway_route_table_id');
    if (att && table) propagations.push({ attachment: att.key, table: table.key, via: prop });
  }
  for (const p of propagations) {
    const att = t.attachments.get(p.attachment);
    for (const block of att ? (t.vpcCidrs.get(att.vpc.key) ?? []) : []) {
      addTransitRoute(p.table, { ...block, via: p.via, attachment: att!.node, blackhole: false, propagated: true });
    }
  }
  for (const route of byType('aws_ec2_transit_gateway_route')) {
    const table = target(route, 'transit_gateway_route_table_id');
    const dest = withRange(literal(route, 'destination_cidr_block'));
    if (!table || !dest) continue;
    addTransitRoute(table.key, {
      ...dest,
      via: route,
      attachment: target(route, 'transit_gateway_attachment_id'),
      blackhole: flag(literal(route, 'blackhole'), false),
      propagated: false,
    });
  }

  // VPC peering.
  for (const pcx of byType('aws_vpc_peering_connection')) {
    const a = target(pcx, 'vpc_id');
    const b = target(pcx, 'peer_vpc_id');
    if (a && b) t.peerings.push({ node: pcx, vpcs: [a, b] });
  }

  // NACLs: the one each subnet uses, and its rules in number order.
  const defaultNacl = new Map<string, ResourceNode>();
  const addNaclRule = (acl: ResourceNode, via: ResourceNode, egress: boolean, r: Record<string, unknown>) => {
    const block = withRange(resolver.literal(via.stack, r.cidr_block));
    if (!block) return;
    const protocol = String(resolver.literal(via.stack, r.protocol) ?? '');
    const action = resolver.literal(via.stack, r.rule_action ?? r.action);
    const rules = t.naclRules.get(acl.key) ?? [];
    rules.push({
      ...block,
      order: Number(resolver.literal(via.stack, r.rule_number ?? r.rule_no)),
      egress,
      allow: action === 'allow',
      allProtocols: protocol === '-1' || protocol === 'all',
      via,
    });
    t.naclRules.set(acl.key, rules);
  };
  const inlineNaclRules = (acl: ResourceNode) => {
    t.naclRules.set(acl.key, t.naclRules.get(acl.key) ?? []);
    for (const r of list(acl.body.ingress) as Record<string, unknown>[]) addNaclRule(acl, acl, false, r);
    for (const r of list(acl.body.egress) as Record<string, unknown>[]) addNaclRule(acl, acl, true, r);
  };
  for (const acl of byType('aws_network_acl')) {
    inlineNaclRules(acl);
    for (const subnet of targets(acl, acl.body.subnet_ids)) t.subnetNacl.set(subnet.key, acl);
  }
  for (const acl of byType('aws_default_network_acl')) {
    inlineNaclRules(acl);
    const vpcAttr = resolver.attributeOf(acl.stack, acl.body.default_network_acl_id);
    if (vpcAttr) defaultNacl.set(vpcAttr.node.key, acl);
    for (const subnet of targets(acl, acl.body.subnet_ids)) t.subnetNacl.set(subnet.key, acl);
  }
  for (const assoc of byType('aws_network_acl_association')) {
    const acl = target(assoc, 'network_acl_id');
    const subnet = target(assoc, 'subnet_id');
    if (acl && subnet) t.subnetNacl.set(subnet.key, acl);
  }
  for (const rule of byType('aws_network_acl_rule')) {
    const acl = target(rule, 'network_acl_id');
    if (acl) addNaclRule(acl, rule, flag(literal(rule, 'egress'), false), rule.body);
  }
  for (const [subnet, vpc] of t.subnetVpc) {
    // Unassociated subnets fall back on the VPC default NACL; unmanaged, AWS's allows all (undefined).
    if (!t.subnetNacl.has(subnet)) t.subnetNacl.set(subnet, defaultNacl.get(vpc.key));
  }

  // Security groups and their rules, in all three Terraform spellings.
  const addSgRule = (sg: ResourceNode | undefined, rule: SecurityGroupRule) => {
    if (!sg) return;
    const rules = t.securityGroupRules.get(sg.key) ?? [];
    rules.push(rule);
    t.securityGroupRules.set(sg.key, rules);
  };
  const cidrList = (stack: string, values: unknown) =>
    list(values)
      .map((v) => withRange(resolver.literal(stack, v)))
      .filter((b) => b !== undefined);
  for (const sg of [...byType('aws_security_group'), ...byType('aws_default_security_group')]) {
    t.securityGroupVpc.set(sg.key, target(sg, 'vpc_id'));
    t.securityGroupRules.set(sg.key, t.securityGroupRules.get(sg.key) ?? []);
    for (const egress of [false, true]) {
      for (const r of list(sg.body[egress ? 'egress' : 'ingress']) as Record<string, unknown>[]) {
        addSgRule(sg, {
          via: sg,
          egress,
          cidrs: cidrList(sg.stack, r.cidr_blocks),
          groups: [...targets(sg, r.security_groups), ...(flag(resolver.literal(sg.stack, r.self), false) ? [sg] : [])],
        });
      }
    }
  }
  for (const rule of byType('aws_security_group_rule')) {
    const sg = target(rule, 'security_group_id');
    addSgRule(sg, {
      via: rule,
      egress: literal(rule, 'type') === 'egress',
      cidrs: cidrList(rule.stack, rule.body.cidr_blocks),
      groups: [
        ...targets(rule, rule.body.source_security_group_id),
        ...(flag(literal(rule, 'self'), false) && sg ? [sg] : []),
      ],
    });
  }
  for (const [type, egress] of [
    ['aws_vpc_security_group_ingress_rule', false],
    ['aws_vpc_security_group_egress_rule', true],
  ] as const) {
    for (const rule of byType(type)) {
      addSgRule(target(rule, 'security_group_id'), {
        via: rule,
        egress,
        cidrs: cidrList(rule.stack, rule.body.cidr_ipv4),
        groups: targets(rule, rule.body.referenced_security_group_id),
      });
    }
  }

  // Placements: where each tenant's nodes get their network interfaces.
  const templates = new Map<string, Placement>();
  for (const lt of byType('aws_launch_template')) {
    const tenant = tagsOf(lt.body).tenant;
    const nics = list(lt.body.network_interfaces) as Record<string, unknown>[];
    const placement: Placement = {
      node: lt,
      tenant: tenant ?? '',
      subnets: nics.flatMap((nic) => targets(lt, nic.subnet_id)),
      securityGroups: [
        ...nics.flatMap((nic) => targets(lt, nic.security_groups)),
        ...targets(lt, lt.body.vpc_security_group_ids),
      ],
    };
    templates.set(lt.key, placement);
  }
  for (const asg of byType('aws_autoscaling_group')) {
    const spec = (list(asg.body.launch_template)[0] ?? {}) as Record<string, unknown>;
    const lt = resolver.target(asg.stack, spec.id) ?? resolver.target(asg.stack, spec.name);
    const template = lt ? templates.get(lt.key) : undefined;
    t.placements.push({
      node: asg,
      tenant: tagsOf(asg.body).tenant ?? template?.tenant ?? '',
      subnets: targets(asg, asg.body.vpc_zone_identifier),
      securityGroups: template?.securityGroups ?? [],
    });
  }
  for (const instance of byType('aws_instance')) {
    t.placements.push({
      node: instance,
      tenant: tagsOf(instance.body).tenant ?? '',
      subnets: targets(instance, instance.body.subnet_id),
      securityGroups: targets(instance, instance.body.vpc_security_group_ids),
    });
  }
  t.placements.push(...templates.values());
  // Spare capacity belongs to no tenant; untagged placements are not a tenant's either.
  const owned = t.placements.filter((p) => p.tenant && p.tenant !== 'unallocated');
  t.placements.splice(0, t.placements.length, ...owned);
  return t;
}
