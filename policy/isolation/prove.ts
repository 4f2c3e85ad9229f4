import { proveAccess } from './access';
import { catalogueEntry, type Layer } from './catalogue';
import { firstMatch, isIpv6, longestPrefixMatch, rangesOverlap } from './intervals';
import { tagsOf, type ResourceNode } from './references';
import type { SynthesizedStacks } from './synthesized';
import {
  readTopology,
  type Block,
  type NaclRule,
  type NodeProfile,
  type Relay,
  type Topology,
  type Unproven,
} from './topology';

/**
 * The isolation proof. Every layer must separate every two tenants on its own:
 * - placement: no subnet, VPC or host (instance, interface, template) holds two tenants;
 * - routing: no chain of VPC routes (IPv4, IPv6, prefix lists; Transit Gateways, peerings, NAT
 *   gateways and interfaces that forward), Transit Gateway tables (longest prefix, blackholes win
 *   their prefix) and Transit Gateway peerings delivers a packet from one tenant's subnet into
 *   another's; one change away from that, no route table a tenant uses holds a route into another
 *   tenant, no peering joins two tenants' VPCs, and no shared service that relays traffic (load
 *   balancer, endpoint service, file system) is reachable from two tenants unless allowed;
 * - nacl: no NACL that claims a tenant subnet lets another tenant's block in or out;
 * - security-group: no tenant's group admits, or sends to, another tenant's block or group;
 * - access: no other tenant's principal, and nobody anonymous, can read, write or decrypt a
 *   tenant's bucket or key (access.ts); a tenant's nodes run only as an instance profile and role
 *   of their own owner, and no profile or role serves nodes of two owners (nodeProfileProblems).
 * Anything outside the catalogue, or any deciding value the proof cannot resolve, is "cannot
 * prove": the proof fails and names the address and the reason.
 */

export type { Layer } from './catalogue';
export const LAYERS: readonly Layer[] = ['placement', 'routing', 'nacl', 'security-group', 'access'];

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

/** Something wrong that is not a path between two tenants (a tenant SU outside its subnets). */
export interface Finding {
  readonly tenant: string;
  readonly layer: Layer;
  readonly address: string;
  readonly problem: string;
}

export interface IsolationReport {
  readonly tenants: readonly string[];
  readonly leaks: readonly Leak[];
  /** What the proof could not model or resolve: each one makes the proof fail. */
  readonly unproven: readonly Unproven[];
  readonly findings: readonly Finding[];
  /** Shared services the environment allows, with the reason it gives. */
  readonly allowed: readonly { resource: string; reason: string }[];
}

export interface AllowedSharedService {
  /** A Terraform address ("type.name" or "<stack>: type.name"), or the resource's name or Name tag. */
  readonly resource: string;
  readonly reason: string;
}

export interface ProofOptions {
  readonly allowedSharedServices?: readonly AllowedSharedService[];
}

export const hop = (node: ResourceNode, role: string): Hop => ({ resource: node.key, role });

export type Ranges = { range: Block['range']; cidr: string; assigned?: boolean; evidence: Hop[] }[];

export interface TenantView {
  /** The tenant's own subnets (in its VPCs, or tagged with it) -> why they are its own. */
  readonly sites: Map<string, Hop[]>;
  readonly ranges: Ranges;
  /** Security group key -> why it is the tenant's. */
  readonly groups: Map<string, Hop[]>;
  readonly ownVpcs: Map<string, Hop[]>;
}

/** A tenant's identity comes from its own VPCs, subnets and tags, never from where an SU happens to sit. */
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
  for (const [subnet, tenant] of t.subnetTenant) {
    const v = view(tenant);
    if (v.sites.has(subnet)) continue;
    const evidence = [hop(t.nodesByKey.get(subnet)!, `subnet tagged for ${tenant}`)];
    v.sites.set(subnet, evidence);
    for (const block of t.subnetBlocks.get(subnet) ?? []) v.ranges.push({ ...block, evidence });
  }
  // A placement's security groups travel with its nodes, wherever the group was made.
  for (const p of t.placements) {
    if (!p.tenant || p.tenant === 'unallocated' || !views.has(p.tenant)) continue;
    const v = views.get(p.tenant)!;
    for (const sg of p.securityGroups)
      if (!v.groups.has(sg.key))
        v.groups.set(sg.key, [hop(p.node, `SU of ${p.tenant}`), ...p.via.map((x) => hop(x, 'puts the group on it'))]);
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

type SearchState = { kind: 'vpc-table' | 'tgw-table'; table: string; range: Block['range']; path: Hop[] };

/** Every routed path from subnet s to subnet d; each path lists the resources it crosses. */
function routedPaths(t: Topology, s: string, d: string): Hop[][] {
  const dVpc = t.subnetVpc.get(d);
  const first = t.subnetRouteTable.get(s);
  if (!dVpc || !first) return [];
  const sNode = t.nodesByKey.get(s)!;
  const dNode = t.nodesByKey.get(d)!;
  const found: Hop[][] = [];
  const seen = new Set<string>();
  const queue: SearchState[] = (t.subnetBlocks.get(d) ?? []).map((block) => ({
    kind: 'vpc-table',
    table: first.key,
    range: block.range,
    path: [hop(sNode, 'source subnet'), hop(first, 'its route table')],
  }));
  const deliver = (path: Hop[], vpc: ResourceNode) =>
    found.push([...path, hop(vpc, 'destination VPC (local route)'), hop(dNode, 'destination subnet')]);
  const fromSubnets = (subnets: ResourceNode[], range: Block['range'], path: Hop[], role: string) => {
    for (const subnet of subnets) {
      if (subnet.key === d) {
        deliver(path, dVpc);
        continue;
      }
      const table = t.subnetRouteTable.get(subnet.key);
      if (!table) continue;
      if (t.subnetVpc.get(subnet.key)?.key === dVpc.key) deliver([...path, hop(subnet, role)], dVpc);
      else
        queue.push({
          kind: 'vpc-table',
          table: table.key,
          range,
          path: [...path, hop(subnet, role), hop(table, 'its route table')],
        });
    }
  };

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
          } else if (route.target.kind === 'relay') {
            fromSubnets(
              route.target.subnets,
              piece,
              [...path, hop(route.target.node, 'forwards by its subnet')],
              'subnet of the forwarder',
            );
          }
        }
      }
    } else {
      for (const { piece, winners } of longestPrefixMatch(state.range, t.transitRoutes.get(state.table) ?? [])) {
        // A static route beats a propagated one of the same prefix; a blackhole drops the piece.
        const statics = winners.filter((w) => !w.propagated);
        const chosen = (statics.length > 0 ? statics : winners).filter((w) => !w.blackhole);
        for (const route of chosen) {
          const step = hop(route.via, route.propagated ? `propagation of ${route.cidr}` : `static route ${route.cidr}`);
          const peering = route.attachment ? t.transitPeerings.get(route.attachment.key) : undefined;
          if (peering) {
            // Across a Transit Gateway peering: looked up again in the peer side's associated table.
            const here = t.transitTableGateway.get(state.table);
            const peer = peering.gateways.find((g) => g.key !== here) ?? peering.gateways[1];
            for (const assoc of t.associations.get(peering.node.key) ?? []) {
              if (t.transitTableGateway.get(assoc.table) !== peer.key) continue;
              queue.push({
                kind: 'tgw-table',
                table: assoc.table,
                range: piece,
                path: [
                  ...state.path,
                  step,
                  hop(peering.node, 'Transit Gateway peering'),
                  hop(t.transitTables.get(assoc.table)!, 'peer route table'),
                ],
              });
            }
            continue;
          }
          const att = route.attachment ? t.attachments.get(route.attachment.key) : undefined;
          if (!att) continue;
          const path = [...state.path, step, hop(att.node, 'Transit Gateway attachment')];
          if (att.vpc.key === dVpc.key) {
            deliver(path, att.vpc);
            continue;
          }
          fromSubnets(att.subnets, piece, path, 'attachment subnet (transit)');
        }
      }
    }
  }
  return found;
}

function naclLeaks(t: Topology, subnet: string, evidence: Hop[], egress: boolean, others: Ranges): Hop[][] {
  const node = t.nodesByKey.get(subnet)!;
  const here = [hop(node, egress ? 'source subnet' : 'destination subnet'), ...evidence];
  const leaks: Hop[][] = [];
  for (const acl of t.subnetNacls.get(subnet) ?? [undefined]) {
    if (!acl) {
      if (others.length > 0)
        leaks.push([hop(node, 'uses the unmanaged AWS default NACL, which allows all'), ...evidence]);
      continue;
    }
    const rules = (t.naclRules.get(acl.key) ?? []).filter((r) => r.egress === egress);
    const claimVia = t.naclClaimVia.get(`${subnet}|${acl.key}`);
    const aclHops = (role: string) => [
      ...(claimVia ? [hop(claimVia, 'associates the NACL with the subnet')] : []),
      hop(acl, role),
    ];
    for (const other of others) {
      const decided = firstMatch<NaclRule>(other.range, rules, (r) => r.allow || r.allProtocols);
      const allowing = new Map(
        decided.filter((d) => d.rule?.allow).map((d) => [d.rule!.via.key + d.rule!.cidr, d.rule!]),
      );
      for (const rule of allowing.values()) {
        const ruleHop = hop(rule.via, `${egress ? 'egress' : 'ingress'} rule ${rule.order} allows ${rule.cidr}`);
        leaks.push(
          egress
            ? [...here, ...aclHops('its NACL'), ruleHop, ...other.evidence]
            : [...other.evidence, ruleHop, ...aclHops('NACL'), ...here],
        );
      }
    }
  }
  return leaks;
}

function groupLeaks(t: Topology, from: TenantView, to: TenantView, unproven: Unproven[]): Hop[][] {
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
          for (const r of peer.ranges) {
            if (!rangesOverlap(r.range, c.range)) {
              // A literal IPv6 block against an Amazon-assigned one: which addresses Amazon picks is unknown.
              const everything = c.range.end - c.range.start === 1n << 128n;
              if (r.assigned && isIpv6(c.range) && !c.assigned && !everything) {
                unproven.push({
                  address: rule.via.key,
                  attribute: 'ipv6',
                  layer: 'security-group',
                  reason: `cannot tell whether ${c.cidr} overlaps the ${r.cidr}`,
                });
              }
              continue;
            }
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
      const start = [
        ...evA,
        hop(att.node, 'Transit Gateway attachment'),
        ...assoc.via.filter((v) => v.key !== att.node.key).map((v) => hop(v, 'association')),
        hop(table, 'its Transit Gateway route table'),
      ];
      for (const route of t.transitRoutes.get(assoc.table) ?? []) {
        if (!route.attachment || route.blackhole) continue;
        const kind = route.propagated ? 'propagation' : 'static route';
        const dest = t.attachments.get(route.attachment.key);
        const evB = dest ? toVpcs.get(dest.vpc.key) : undefined;
        if (dest && evB) {
          links.push([
            ...start,
            hop(route.via, `${kind} ${route.cidr} into the other tenant`),
            hop(dest.node, 'Transit Gateway attachment'),
            hop(dest.vpc, 'destination VPC'),
            ...evB,
          ]);
        }
        // Through a Transit Gateway peering, into a table on the far side that reaches the other tenant.
        const peering = t.transitPeerings.get(route.attachment.key);
        if (!peering) continue;
        for (const far of t.associations.get(peering.node.key) ?? []) {
          if (far.table === assoc.table) continue;
          for (const next of t.transitRoutes.get(far.table) ?? []) {
            const d2 = next.attachment && !next.blackhole ? t.attachments.get(next.attachment.key) : undefined;
            const evB2 = d2 ? toVpcs.get(d2.vpc.key) : undefined;
            if (!d2 || !evB2) continue;
            links.push([
              ...start,
              hop(route.via, `${kind} ${route.cidr} into a Transit Gateway peering`),
              hop(peering.node, 'Transit Gateway peering'),
              hop(t.transitTables.get(far.table)!, 'peer route table'),
              hop(next.via, `route ${next.cidr} into the other tenant`),
              hop(d2.node, 'Transit Gateway attachment'),
              ...evB2,
            ]);
          }
        }
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

function isAllowed(node: ResourceNode, allowed: readonly AllowedSharedService[]): AllowedSharedService | undefined {
  const names = [node.key, `${node.type}.${node.name}`, tagsOf(node.body).Name, node.body.name].filter(
    (n) => typeof n === 'string',
  );
  return allowed.find((a) => names.includes(a.resource));
}

/** Every resource type and data source must be in the catalogue; meta-arguments the proof cannot expand fail too. */
function catalogueCheck(stacks: SynthesizedStacks): Unproven[] {
  const out: Unproven[] = [];
  for (const [stack, json] of stacks) {
    for (const [kind, blocks] of [
      ['resource', json.resource],
      ['data', json.data],
    ] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        const entry = catalogueEntry(kind, type);
        for (const [name, body] of Object.entries(byName)) {
          const address = `${stack}: ${kind === 'data' ? 'data.' : ''}${type}.${name}`;
          if (!entry)
            out.push({
              address,
              attribute: 'type',
              layer: 'all',
              reason: `type ${type} is not in the isolation catalogue (policy/isolation/catalogue.ts)`,
            });
          for (const meta of ['count', 'for_each', 'dynamic'])
            if (body && meta in body)
              out.push({
                address,
                attribute: meta,
                layer: 'all',
                reason: `${meta} makes instances the proof cannot enumerate`,
              });
        }
      }
    }
    const extra = json as { module?: unknown };
    if (extra.module)
      out.push({
        address: `${stack}: module`,
        attribute: 'module',
        layer: 'all',
        reason: 'a module call whose resources the synth output does not show',
      });
  }
  return out;
}

function relayLeaks(
  t: Topology,
  relay: Relay,
  views: Map<string, TenantView>,
  subnetOwner: Map<string, string>,
  componentTenants: (vpc: string) => string[],
): Map<string, Hop[]> {
  // Which tenants reach the relay, and why.
  const reach = new Map<string, Hop[]>();
  const add = (tenant: string, hops: Hop[]) => {
    if (!reach.has(tenant)) reach.set(tenant, hops);
  };
  const viaVpc = (vpc: ResourceNode, hops: Hop[]) => {
    const owner = t.vpcTenant.get(vpc.key);
    if (owner) add(owner, [...hops, ...views.get(owner)!.ownVpcs.get(vpc.key)!]);
    // A relay in a shared VPC is reachable from every tenant routed to that VPC.
    else
      for (const tenant of componentTenants(vpc.key))
        add(tenant, [...hops, hop(vpc, `shared VPC that ${tenant} is routed to`)]);
  };
  for (const subnet of relay.subnets) {
    const owner = subnetOwner.get(subnet.key);
    const hops = [hop(subnet, 'subnet it sits in')];
    if (owner) add(owner, [...hops, ...views.get(owner)!.sites.get(subnet.key)!]);
    else {
      const vpc = t.subnetVpc.get(subnet.key);
      if (vpc) viaVpc(vpc, hops);
    }
  }
  for (const vpc of relay.vpcs) viaVpc(vpc, [hop(vpc, 'VPC of its endpoint')]);
  for (const target of relay.targets) {
    for (const p of t.placements.filter((x) => x.node.key === target.key)) {
      for (const subnet of p.subnets) {
        const owner = subnetOwner.get(subnet.key);
        if (owner)
          add(owner, [
            hop(target, 'target it forwards to'),
            hop(subnet, 'in subnet'),
            ...views.get(owner)!.sites.get(subnet.key)!,
          ]);
      }
    }
  }
  for (const block of relay.targetBlocks) {
    for (const [tenant, v] of views) {
      const r = v.ranges.find((x) => rangesOverlap(x.range, block.range));
      if (r) add(tenant, [hop(relay.node, `forwards to ${block.cidr}`), ...r.evidence]);
    }
  }
  return reach;
}

export function proveIsolationOf(t: Topology, stacks?: SynthesizedStacks, options: ProofOptions = {}): IsolationReport {
  const views = tenantViews(t);
  const unproven: Unproven[] = [...(stacks ? catalogueCheck(stacks) : []), ...t.unproven];
  const findings: Finding[] = [];
  const allowedList = options.allowedSharedServices ?? [];
  const allowed: { resource: string; reason: string }[] = [];
  for (const p of t.placements) if (p.tenant && p.tenant !== 'unallocated') view(p.tenant);
  function view(tenant: string) {
    if (!views.has(tenant)) views.set(tenant, { sites: new Map(), ranges: [], groups: new Map(), ownVpcs: new Map() });
    return views.get(tenant)!;
  }
  const tenants = [...views.keys()].sort();
  const subnetOwner = new Map<string, string>();
  for (const [tenant, v] of views) for (const subnet of v.sites.keys()) subnetOwner.set(subnet, tenant);

  const components = new Components();
  for (const [tenant, v] of views) {
    for (const subnet of v.sites.keys()) components.union(`tenant:${tenant}`, t.subnetVpc.get(subnet)?.key ?? subnet);
    for (const vpc of v.ownVpcs.keys()) components.union(`tenant:${tenant}`, vpc);
  }
  for (const att of t.attachments.values()) components.union(att.vpc.key, att.gateway.key);
  for (const p of t.peerings) components.union(p.vpcs[0].key, p.vpcs[1].key);
  for (const p of t.transitPeerings.values()) components.union(p.gateways[0].key, p.gateways[1].key);
  for (const p of t.placements) {
    if (p.tenant && p.tenant !== 'unallocated')
      for (const s of p.subnets) components.union(`tenant:${p.tenant}`, t.subnetVpc.get(s.key)?.key ?? s.key);
  }

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

  // Placement: a tagged subnet inside another tenant's VPC; SUs and interfaces outside their tenant.
  for (const [subnet, tenant] of t.subnetTenant) {
    const vpcOwner = t.vpcTenant.get(t.subnetVpc.get(subnet)?.key ?? '');
    if (vpcOwner && vpcOwner !== tenant) {
      const s = t.nodesByKey.get(subnet)!;
      const vpc = t.subnetVpc.get(subnet)!;
      for (const [a, b] of [
        [tenant, vpcOwner],
        [vpcOwner, tenant],
      ])
        add(a!, b!, 'placement', [hop(s, `subnet tagged for ${tenant}`), hop(vpc, `VPC of ${vpcOwner} (local route)`)]);
    }
  }
  const placedIn = new Map<string, { tenant: string; hops: Hop[] }[]>();
  for (const p of t.placements) {
    const tagged = p.tenant && p.tenant !== 'unallocated' ? p.tenant : undefined;
    const owners = new Map<string, ResourceNode>();
    for (const subnet of new Map(p.subnets.map((x) => [x.key, x])).values()) {
      const owner = subnetOwner.get(subnet.key);
      if (owner) owners.set(owner, subnet);
      if (tagged) {
        const list = placedIn.get(subnet.key) ?? [];
        list.push({
          tenant: tagged,
          hops: [hop(p.node, `SU of ${tagged}`), ...p.via.map((v) => hop(v, 'puts it there'))],
        });
        placedIn.set(subnet.key, list);
        if (owner !== tagged && !owner) {
          findings.push({
            tenant: tagged,
            layer: 'placement',
            address: p.node.key,
            problem: `an SU of ${tagged} is placed in ${subnet.key}, outside its tenant subnets`,
          });
        }
      }
    }
    // One host (or template) with interfaces in subnets of two tenants bridges them.
    const parties = [
      ...owners.keys(),
      ...(tagged && !owners.has(tagged) && p.subnets.length > 0 && [...owners.keys()].length > 0 ? [tagged] : []),
    ];
    for (const a of parties) {
      for (const b of parties) {
        if (a === b) continue;
        const sa = owners.get(a);
        const sb = owners.get(b);
        add(a, b, 'placement', [
          ...(sa ? [hop(sa, `subnet of ${a}`)] : [hop(p.node, `SU of ${a}`)]),
          hop(p.node, 'one host with interfaces in both tenants'),
          ...p.via.map((v) => hop(v, 'attaches it')),
          ...(sb ? [hop(sb, `subnet of ${b}`)] : [hop(p.node, `SU of ${b}`)]),
        ]);
      }
    }
  }
  // Two tenants' SUs in one subnet, or in one shared VPC (its local route joins them).
  const byVpc = new Map<string, { tenant: string; subnet: string; hops: Hop[] }[]>();
  for (const [subnet, entries] of placedIn) {
    const owner = subnetOwner.get(subnet);
    const all = [...entries, ...(owner ? [{ tenant: owner, hops: views.get(owner)!.sites.get(subnet)! }] : [])];
    for (const x of all)
      for (const y of all) {
        if (x.tenant === y.tenant) continue;
        add(x.tenant, y.tenant, 'placement', [
          ...x.hops,
          hop(t.nodesByKey.get(subnet)!, 'subnet shared by both tenants'),
          ...y.hops,
        ]);
      }
    const vpc = t.subnetVpc.get(subnet);
    if (vpc && !t.vpcTenant.has(vpc.key))
      for (const x of entries) byVpc.set(vpc.key, [...(byVpc.get(vpc.key) ?? []), { ...x, subnet }]);
  }
  for (const [vpcKey, entries] of byVpc) {
    const vpc = t.nodesByKey.get(vpcKey)!;
    for (const x of entries)
      for (const y of entries) {
        if (x.tenant === y.tenant || x.subnet === y.subnet) continue;
        add(x.tenant, y.tenant, 'placement', [
          ...x.hops,
          hop(t.nodesByKey.get(x.subnet)!, 'subnet'),
          hop(vpc, 'VPC shared by both tenants (local route)'),
          hop(t.nodesByKey.get(y.subnet)!, 'subnet'),
          ...y.hops,
        ]);
      }
  }

  const tenantVpcs = (v: TenantView) => {
    const vpcs = new Map<string, Hop[]>();
    for (const [subnet, evidence] of v.sites) {
      const vpc = t.subnetVpc.get(subnet);
      if (vpc && !vpcs.has(vpc.key)) vpcs.set(vpc.key, evidence);
    }
    for (const [vpc, evidence] of v.ownVpcs) vpcs.set(vpc, evidence);
    return vpcs;
  };
  for (const from of tenants) {
    for (const to of tenants) {
      if (from === to) continue;
      const a = views.get(from)!;
      const b = views.get(to)!;
      for (const [s, evA] of a.sites) {
        for (const [d, evB] of b.sites) {
          if (s === d) continue;
          const vpc = t.subnetVpc.get(s);
          if (vpc && vpc.key === t.subnetVpc.get(d)?.key) {
            add(from, to, 'placement', [
              ...evA,
              hop(t.nodesByKey.get(s)!, 'subnet'),
              hop(vpc, 'VPC shared by both tenants (local route)'),
              hop(t.nodesByKey.get(d)!, 'subnet'),
              ...evB,
            ]);
            continue;
          }
          for (const path of routedPaths(t, s, d)) add(from, to, 'routing', [...evA, ...path, ...evB]);
        }
      }
      for (const path of directLinks(t, tenantVpcs(a), tenantVpcs(b))) add(from, to, 'routing', path);
      if (components.find(`tenant:${from}`) !== components.find(`tenant:${to}`)) continue;
      for (const [d, evB] of b.sites)
        for (const path of naclLeaks(t, d, evB, false, a.ranges)) add(from, to, 'nacl', path);
      for (const [s, evA] of a.sites)
        for (const path of naclLeaks(t, s, evA, true, b.ranges)) add(from, to, 'nacl', path);
      for (const path of groupLeaks(t, a, b, unproven)) add(from, to, 'security-group', path);
    }
  }

  // Relays: a shared service reachable from two tenants joins them, unless the environment allows it.
  const componentTenants = (vpc: string) =>
    tenants.filter((x) => components.find(`tenant:${x}`) === components.find(vpc));
  for (const relay of t.relays) {
    const reach = relayLeaks(t, relay, views, subnetOwner, componentTenants);
    if (reach.size < 2) continue;
    const ok = isAllowed(relay.node, allowedList);
    if (ok) {
      allowed.push({ resource: relay.node.key, reason: ok.reason });
      continue;
    }
    for (const [a, ha] of reach)
      for (const [b, hb] of reach) {
        if (a === b) continue;
        add(a, b, 'routing', [
          ...ha.slice().reverse(),
          hop(relay.node, `${relay.what} reachable from both tenants (relay)`),
          ...relay.parts.map((p) => hop(p, 'part of the relay')),
          ...hb,
        ]);
      }
  }

  const profiles = nodeProfileProblems(t.nodeProfiles, new Set(tenants));
  for (const l of profiles.leaks) add(l.from, l.to, l.layer, [...l.path]);
  findings.push(...profiles.findings);

  const access = proveAccess(t, views, tenants);
  for (const l of access.leaks) add(l.from, l.to, 'access', [...l.path]);
  unproven.push(...access.unproven);

  const unique = new Map(unproven.map((u) => [`${u.address}|${u.attribute}|${u.reason}`, u]));
  const uniqueFindings = new Map(findings.map((f) => [`${f.address}|${f.problem}`, f]));
  return { tenants, leaks, unproven: [...unique.values()], findings: [...uniqueFindings.values()], allowed };
}

/** Proves, over the synthesized stacks of one environment, that no two tenants can reach each other. */
export function proveIsolation(stacks: SynthesizedStacks, options: ProofOptions = {}): IsolationReport {
  return proveIsolationOf(readTopology(stacks), stacks, options);
}

/** Whose an instance profile is: its tenant tag, or its role's. */
function profileOwner(p: NodeProfile): string | undefined {
  return tagsOf(p.profile.body).tenant ?? (p.role ? tagsOf(p.role.body).tenant : undefined);
}

/**
 * Instance profiles join a role to every node their launch templates launch. A tenant's nodes
 * must run as their own owner's profile (a template naming another tenant's profile gives its
 * nodes that tenant's credentials), and no profile or role may serve the nodes of two owners
 * (tenants, or a tenant and the spare pool, whose SUs are later given to any tenant): whatever
 * the role may do, such as publish into one namespace, becomes a channel between them.
 */
export function nodeProfileProblems(
  nodeProfiles: readonly NodeProfile[],
  tenants: ReadonlySet<string>,
): { leaks: Leak[]; findings: Finding[] } {
  const leaks: Leak[] = [];
  const findings: Finding[] = [];
  const label = (owner: string) => owner || 'no tenant (untagged)';
  const users = new Map<string, { node: ResourceNode; kind: string; by: Map<string, NodeProfile> }>();
  for (const p of nodeProfiles) {
    const owner = profileOwner(p);
    if (owner !== p.tenant) {
      const path = [
        hop(p.template, `launch template of ${label(p.tenant)}`),
        hop(p.profile, `instance profile of ${label(owner ?? '')}`),
        ...(p.role ? [hop(p.role, 'role its nodes run as')] : []),
      ];
      if (p.tenant && owner && tenants.has(p.tenant) && tenants.has(owner))
        leaks.push({ from: p.tenant, to: owner, layer: 'access', path });
      else
        findings.push({
          tenant: tenants.has(p.tenant) ? p.tenant : (owner ?? p.tenant),
          layer: 'access',
          address: p.template.key,
          problem: `the nodes of ${label(p.tenant)} run as ${p.profile.key}, the instance profile of ${label(owner ?? '')}`,
        });
    }
    for (const [node, kind] of [
      [p.profile, 'instance profile'],
      [p.role, 'role'],
    ] as const) {
      if (!node) continue;
      const entry = users.get(node.key) ?? { node, kind, by: new Map<string, NodeProfile>() };
      if (!entry.by.has(p.tenant)) entry.by.set(p.tenant, p);
      users.set(node.key, entry);
    }
  }
  for (const { node, kind, by } of users.values()) {
    if (by.size < 2) continue;
    const owners = [...by.keys()].sort();
    const real = owners.filter((o) => tenants.has(o));
    for (const a of real)
      for (const b of real)
        if (a !== b)
          leaks.push({
            from: a,
            to: b,
            layer: 'access',
            path: [
              hop(by.get(a)!.template, `launch template of ${a}`),
              ...(kind === 'role' ? [hop(by.get(a)!.profile, `instance profile of ${a}'s nodes`)] : []),
              hop(node, `${kind} shared by the nodes of both tenants`),
              ...(kind === 'role' ? [hop(by.get(b)!.profile, `instance profile of ${b}'s nodes`)] : []),
              hop(by.get(b)!.template, `launch template of ${b}`),
            ],
          });
    if (real.length < owners.length)
      findings.push({
        tenant: real[0] ?? owners.map(label).join(', '),
        layer: 'access',
        address: node.key,
        problem: `${kind} serves the nodes of ${owners.map(label).join(' and ')}; each owner's nodes need their own`,
      });
  }
  return { leaks, findings };
}
