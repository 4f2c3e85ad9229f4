import { firstMatch, longestPrefixMatch, rangesOverlap, type AddressRange } from './intervals';
import type { ResourceNode } from './references';
import type { SynthesizedStacks } from './synthesized';
import { readTopology, type NaclRule, type Topology } from './topology';

/**
 * The isolation proof. Every layer must separate every two tenants on its own:
 * - placement: no subnet or VPC holds two tenants (a VPC's local route joins all its subnets);
 * - routing: no chain of VPC routes, Transit Gateway tables (longest prefix, blackholes win
 *   their prefix) and peerings delivers a packet from one tenant's subnet into another's; and,
 *   one change away from that, no route table a tenant uses holds a route into another
 *   tenant (even one a blackhole shadows today), and no peering joins two tenants' VPCs;
 * - nacl: no tenant subnet's NACL lets another tenant's block in or out;
 * - security-group: no tenant's group admits, or sends to, another tenant's block or group.
 * The filter layers are checked between tenants whose networks touch at all (a shared
 * gateway, a peering or a shared VPC). The model over-approximates: a VPC that a packet
 * enters through a Transit Gateway may forward it again by its attachment subnets' routes.
 */

export type Layer = 'placement' | 'routing' | 'nacl' | 'security-group';
export const LAYERS: readonly Layer[] = ['placement', 'routing', 'nacl', 'security-group'];

export interface Hop {
  /** The resource: "<stack>: <type>.<name>", its Terraform address in that stack. */
  readonly resource: string;
  readonly role: string;
}

export interface Leak {
  readonly from: string;
  readonly to: string;
  readonly layer: Layer;
  readonly path: readonly Hop[];
}

export interface IsolationReport {
  readonly tenants: readonly string[];
  readonly leaks: readonly Leak[];
}

const hop = (node: ResourceNode, role: string): Hop => ({ resource: node.key, role });

interface TenantView {
  /** Subnet key -> why it is the tenant's. */
  readonly sites: Map<string, Hop[]>;
  /** The tenant's address blocks, with the resource that makes each its own. */
  readonly ranges: { range: AddressRange; cidr: string; evidence: Hop[] }[];
  /** Security group key -> why it is the tenant's. */
  readonly groups: Map<string, Hop[]>;
  /** The tenant's own VPCs (tagged with it). */
  readonly ownVpcs: Map<string, Hop[]>;
}

function tenantViews(t: Topology): Map<string, TenantView> {
  const views = new Map<string, TenantView>();
  const view = (tenant: string) => {
    let v = views.get(tenant);
    if (!v) views.set(tenant, (v = { sites: new Map(), ranges: [], groups: new Map(), ownVpcs: new Map() }));
    return v;
  };
  for (const [vpcKey, tenant] of t.vpcTenant) {
    const vpc = t.nodesByKey.get(vpcKey)!;
    const v = view(tenant);
    const evidence = [hop(vpc, `VPC of ${tenant}`)];
    v.ownVpcs.set(vpcKey, evidence);
    for (const block of t.vpcCidrs.get(vpcKey) ?? []) v.ranges.push({ ...block, evidence });
    for (const [subnet, subnetVpc] of t.subnetVpc) if (subnetVpc.key === vpcKey) v.sites.set(subnet, evidence);
    for (const [sg, sgVpc] of t.securityGroupVpc) if (sgVpc?.key === vpcKey) v.groups.set(sg, evidence);
  }
  for (const p of t.placements) {
    const v = view(p.tenant);
    const evidence = [hop(p.node, `SU of ${p.tenant}`)];
    for (const subnet of p.subnets) {
      if (!v.sites.has(subnet.key)) v.sites.set(subnet.key, evidence);
      const range = t.subnetRange.get(subnet.key);
      if (range && !v.ranges.some((r) => r.range.start <= range.start && range.end <= r.range.end)) {
        v.ranges.push({ range, cidr: subnet.key, evidence: [...evidence, hop(subnet, 'subnet it is placed in')] });
      }
    }
    for (const sg of p.securityGroups) if (!v.groups.has(sg.key)) v.groups.set(sg.key, evidence);
  }
  return views;
}

class Components {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    const p = this.parent.get(x);
    if (p === undefined || p === x) return x;
    const root = this.find(p);
    this.parent.set(x, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

type SearchState = { kind: 'vpc-table' | 'tgw-table'; table: string; range: AddressRange; path: Hop[] };

/** Every routed path from subnet s to subnet d; each path lists the resources it crosses. */
function routedPaths(t: Topology, s: string, d: string): Hop[][] {
  const dRange = t.subnetRange.get(d);
  const dVpc = t.subnetVpc.get(d);
  const first = t.subnetRouteTable.get(s);
  if (!dRange || !dVpc || !first) return [];
  const sNode = t.nodesByKey.get(s)!;
  const dNode = t.nodesByKey.get(d)!;
  const found: Hop[][] = [];
  const seen = new Set<string>();
  const queue: SearchState[] = [
    {
      kind: 'vpc-table',
      table: first.key,
      range: dRange,
      path: [hop(sNode, 'source subnet'), hop(first, 'its route table')],
    },
  ];
  const deliver = (path: Hop[], vpc: ResourceNode) =>
    found.push([...path, hop(vpc, 'destination VPC (local route)'), hop(dNode, 'destination subnet')]);

  while (queue.length > 0) {
    const state = queue.shift()!;
    const id = `${state.kind}|${state.table}|${state.range.start}-${state.range.end}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (state.kind === 'vpc-table') {
      const vpc = t.routeTableVpc.get(state.table);
      const local = vpc ? (t.vpcCidrs.get(vpc.key) ?? []) : [];
      for (const { piece, winners } of longestPrefixMatch(state.range, t.routes.get(state.table) ?? [])) {
        if (local.some((b) => b.range.start <= piece.start && piece.end <= b.range.end)) continue;
        for (const route of winners) {
          const path = [...state.path, hop(route.via, `route ${route.cidr}`)];
          if (route.target.kind === 'transit-gateway' && vpc) {
            const gateway = route.target.node;
            for (const [attKey, att] of t.attachments) {
              if (att.vpc.key !== vpc.key || att.gateway.key !== gateway.key) continue;
              for (const assoc of t.associations.get(attKey) ?? []) {
                const table = t.transitTables.get(assoc.table)!;
                queue.push({
                  kind: 'tgw-table',
                  table: assoc.table,
                  range: piece,
                  path: [
                    ...path,
                    hop(att.node, 'Transit Gateway attachment'),
                    ...assoc.via.filter((v) => v.key !== att.node.key).map((v) => hop(v, 'association')),
                    hop(
                      table,
                      table.type === 'aws_ec2_transit_gateway' ? 'default route table' : 'Transit Gateway route table',
                    ),
                  ],
                });
              }
            }
          } else if (route.target.kind === 'peering' && vpc) {
            const pcx = route.target.node;
            const peering = t.peerings.find((p) => p.node.key === pcx.key);
            const other = peering?.vpcs.find((v) => v.key !== vpc.key);
            if (peering && other && other.key === dVpc.key) deliver([...path, hop(peering.node, 'VPC peering')], other);
          }
        }
      }
    } else {
      for (const { piece, winners } of longestPrefixMatch(state.range, t.transitRoutes.get(state.table) ?? [])) {
        // A static route beats a propagated one of the same prefix; a blackhole drops the piece.
        const statics = winners.filter((w) => !w.propagated);
        const chosen = (statics.length > 0 ? statics : winners).filter((w) => !w.blackhole);
        for (const route of chosen) {
          const att = route.attachment ? t.attachments.get(route.attachment.key) : undefined;
          if (!att) continue;
          const path = [
            ...state.path,
            hop(route.via, route.propagated ? `propagation of ${route.cidr}` : `static route ${route.cidr}`),
            hop(att.node, 'Transit Gateway attachment'),
          ];
          if (att.vpc.key === dVpc.key) {
            deliver(path, att.vpc);
            continue;
          }
          for (const subnet of att.subnets) {
            const table = t.subnetRouteTable.get(subnet.key);
            if (!table) continue;
            queue.push({
              kind: 'vpc-table',
              table: table.key,
              range: piece,
              path: [...path, hop(subnet, 'attachment subnet (transit)'), hop(table, 'its route table')],
            });
          }
        }
      }
    }
  }
  return found;
}

function naclLeaks(
  t: Topology,
  subnet: string,
  evidence: Hop[],
  egress: boolean,
  others: TenantView['ranges'],
): Hop[][] {
  const node = t.nodesByKey.get(subnet)!;
  const acl = t.subnetNacl.get(subnet);
  const here = [hop(node, egress ? 'source subnet' : 'destination subnet'), ...evidence];
  if (!acl)
    return others.length > 0 ? [[hop(node, 'uses the unmanaged AWS default NACL, which allows all'), ...evidence]] : [];
  const rules = (t.naclRules.get(acl.key) ?? []).filter((r) => r.egress === egress);
  const leaks: Hop[][] = [];
  for (const other of others) {
    const decided = firstMatch<NaclRule>(other.range, rules, (r) => r.allow || r.allProtocols);
    const allowing = new Map(decided.filter((d) => d.rule?.allow).map((d) => [d.rule!.via.key, d.rule!]));
    for (const rule of allowing.values()) {
      const ruleHop = hop(rule.via, `${egress ? 'egress' : 'ingress'} rule ${rule.order} allows ${rule.cidr}`);
      leaks.push(
        egress
          ? [...here, hop(acl, 'its NACL'), ruleHop, ...other.evidence]
          : [...other.evidence, ruleHop, hop(acl, 'NACL'), ...here],
      );
    }
  }
  return leaks;
}

function groupLeaks(t: Topology, from: TenantView, to: TenantView): Hop[][] {
  const leaks: Hop[][] = [];
  // Ingress of the destination tenant's groups, then egress of the source tenant's groups.
  for (const [egress, owner, peer] of [
    [false, to, from],
    [true, from, to],
  ] as const) {
    for (const [sgKey, evidence] of owner.groups) {
      const sg = t.nodesByKey.get(sgKey)!;
      for (const rule of t.securityGroupRules.get(sgKey) ?? []) {
        if (rule.egress !== egress) continue;
        const direction = egress ? 'egress to' : 'ingress from';
        for (const c of rule.cidrs) {
          for (const r of peer.ranges.filter((p) => rangesOverlap(p.range, c.range))) {
            const ruleHop = hop(rule.via, `${direction} ${c.cidr}`);
            leaks.push(
              egress
                ? [...evidence, hop(sg, 'security group'), ruleHop, ...r.evidence]
                : [...r.evidence, ruleHop, hop(sg, 'security group'), ...evidence],
            );
          }
        }
        for (const group of rule.groups) {
          const peerEvidence = peer.groups.get(group.key);
          if (!peerEvidence) continue;
          const ruleHop = hop(rule.via, `${direction} group ${group.key}`);
          const peerHops = [hop(group, 'security group of the other tenant'), ...peerEvidence];
          leaks.push(
            egress
              ? [...evidence, hop(sg, 'security group'), ruleHop, ...peerHops]
              : [...peerHops, ruleHop, hop(sg, 'security group'), ...evidence],
          );
        }
      }
    }
  }
  return leaks;
}

/** Routes and peerings that lead from one tenant's network straight into another's. */
function directLinks(t: Topology, fromVpcs: Map<string, Hop[]>, toVpcs: Map<string, Hop[]>): Hop[][] {
  const links: Hop[][] = [];
  for (const [attKey, att] of t.attachments) {
    const evA = fromVpcs.get(att.vpc.key);
    if (!evA) continue;
    for (const assoc of t.associations.get(attKey) ?? []) {
      const table = t.transitTables.get(assoc.table)!;
      for (const route of t.transitRoutes.get(assoc.table) ?? []) {
        const dest = route.attachment && !route.blackhole ? t.attachments.get(route.attachment.key) : undefined;
        const evB = dest ? toVpcs.get(dest.vpc.key) : undefined;
        if (!dest || !evB) continue;
        links.push([
          ...evA,
          hop(att.node, 'Transit Gateway attachment'),
          ...assoc.via.filter((v) => v.key !== att.node.key).map((v) => hop(v, 'association')),
          hop(table, 'its Transit Gateway route table'),
          hop(route.via, `${route.propagated ? 'propagation' : 'static route'} ${route.cidr} into the other tenant`),
          hop(dest.node, 'Transit Gateway attachment'),
          hop(dest.vpc, 'destination VPC'),
          ...evB,
        ]);
      }
    }
  }
  for (const p of t.peerings) {
    for (const [a, b] of [p.vpcs, [p.vpcs[1], p.vpcs[0]]] as const) {
      const evA = fromVpcs.get(a.key);
      const evB = toVpcs.get(b.key);
      if (evA && evB)
        links.push([...evA, hop(a, 'VPC'), hop(p.node, 'VPC peering between tenants'), hop(b, 'VPC'), ...evB]);
    }
  }
  return links;
}

function tenantVpcs(t: Topology, view: TenantView): Map<string, Hop[]> {
  const vpcs = new Map<string, Hop[]>();
  for (const [subnet, evidence] of view.sites) {
    const vpc = t.subnetVpc.get(subnet);
    if (vpc && !vpcs.has(vpc.key)) vpcs.set(vpc.key, evidence);
  }
  for (const [vpc, evidence] of view.ownVpcs) vpcs.set(vpc, evidence);
  return vpcs;
}

export function proveIsolationOf(t: Topology): IsolationReport {
  const views = tenantViews(t);
  const tenants = [...views.keys()].sort();
  const components = new Components();
  for (const [tenant, v] of views) {
    for (const subnet of v.sites.keys()) {
      const vpc = t.subnetVpc.get(subnet);
      components.union(`tenant:${tenant}`, vpc ? vpc.key : subnet);
    }
    for (const [vpc, owner] of t.vpcTenant) if (owner === tenant) components.union(`tenant:${tenant}`, vpc);
  }
  for (const att of t.attachments.values()) components.union(att.vpc.key, att.gateway.key);
  for (const p of t.peerings) components.union(p.vpcs[0].key, p.vpcs[1].key);

  const leaks: Leak[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, layer: Layer, hops: Hop[]) => {
    // Evidence and path often name the same resource twice in a row; merge what each says.
    const path: Hop[] = [];
    for (const h of hops) {
      const last = path[path.length - 1];
      if (last?.resource === h.resource)
        path[path.length - 1] = { resource: h.resource, role: `${last.role}; ${h.role}` };
      else path.push(h);
    }
    const id = `${from}|${to}|${layer}|${path.map((h) => h.resource).join('>')}`;
    if (seen.has(id)) return;
    seen.add(id);
    leaks.push({ from, to, layer, path });
  };

  for (const from of tenants) {
    for (const to of tenants) {
      if (from === to) continue;
      const a = views.get(from)!;
      const b = views.get(to)!;
      for (const [s, evA] of a.sites) {
        for (const [d, evB] of b.sites) {
          const sNode = t.nodesByKey.get(s)!;
          if (s === d) {
            add(from, to, 'placement', [...evA, hop(sNode, 'subnet shared by both tenants'), ...evB]);
            continue;
          }
          const vpc = t.subnetVpc.get(s);
          if (vpc && vpc.key === t.subnetVpc.get(d)?.key) {
            const dNode = t.nodesByKey.get(d)!;
            add(from, to, 'placement', [
              ...evA,
              hop(sNode, 'subnet'),
              hop(vpc, 'VPC shared by both tenants (local route)'),
              hop(dNode, 'subnet'),
              ...evB,
            ]);
            continue;
          }
          for (const path of routedPaths(t, s, d)) add(from, to, 'routing', [...evA, ...path, ...evB]);
        }
      }
      for (const path of directLinks(t, tenantVpcs(t, a), tenantVpcs(t, b))) add(from, to, 'routing', path);
      if (components.find(`tenant:${from}`) !== components.find(`tenant:${to}`)) continue;
      for (const [d, evB] of b.sites)
        for (const path of naclLeaks(t, d, evB, false, a.ranges)) add(from, to, 'nacl', path);
      for (const [s, evA] of a.sites)
        for (const path of naclLeaks(t, s, evA, true, b.ranges)) add(from, to, 'nacl', path);
      for (const path of groupLeaks(t, a, b)) add(from, to, 'security-group', path);
    }
  }
  return { tenants, leaks };
}

/** Proves, over the synthesized stacks of one environment, that no two tenants can reach each other. */
export function proveIsolation(stacks: SynthesizedStacks): IsolationReport {
  return proveIsolationOf(readTopology(stacks));
}
