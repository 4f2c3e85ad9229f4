import { blocks, isTrue, ofType, referencedResources, asList, resolveResource } from '../attributes';
import type { Check, Resource, Rule, RuleContext, StackModel } from '../model';
import { check } from './check';

const ANYWHERE = ['0.0.0.0/0', '::/0'];

interface IngressEntry {
  readonly resource: Resource;
  readonly attribute: string;
  readonly cidrs: string[];
  readonly fromPort: number;
  readonly toPort: number;
  readonly protocol: string;
}

/** Every security group ingress, whichever of the three Terraform forms declares it. */
function securityGroupIngress(stack: StackModel): IngressEntry[] {
  const entries: IngressEntry[] = [];
  // The default group takes inline rules too: an adopted default group with ingress admits it.
  for (const sg of ofType(stack, 'aws_security_group', 'aws_default_security_group')) {
    blocks(sg.attrs.ingress).forEach((rule, i) =>
      entries.push({
        resource: sg,
        attribute: `ingress[${i}]`,
        cidrs: [...asList(rule.cidr_blocks), ...asList(rule.ipv6_cidr_blocks)].map(String),
        fromPort: Number(rule.from_port ?? 0),
        toPort: Number(rule.to_port ?? 65535),
        protocol: String(rule.protocol ?? '-1'),
      }),
    );
  }
  for (const rule of ofType(stack, 'aws_vpc_security_group_ingress_rule')) {
    entries.push({
      resource: rule,
      attribute: 'cidr_ipv4/cidr_ipv6',
      cidrs: [rule.attrs.cidr_ipv4, rule.attrs.cidr_ipv6].filter((c) => typeof c === 'string') as string[],
      fromPort: Number(rule.attrs.from_port ?? 0),
      toPort: Number(rule.attrs.to_port ?? 65535),
      protocol: String(rule.attrs.ip_protocol ?? '-1'),
    });
  }
  for (const rule of ofType(stack, 'aws_security_group_rule').filter((r) => r.attrs.type === 'ingress')) {
    entries.push({
      resource: rule,
      attribute: 'cidr_blocks/ipv6_cidr_blocks',
      cidrs: [...asList(rule.attrs.cidr_blocks), ...asList(rule.attrs.ipv6_cidr_blocks)].map(String),
      fromPort: Number(rule.attrs.from_port ?? 0),
      toPort: Number(rule.attrs.to_port ?? 65535),
      protocol: String(rule.attrs.protocol ?? '-1'),
    });
  }
  return entries;
}

/** NACL entries that allow inbound traffic, inline or as aws_network_acl_rule. */
function naclIngressAllows(stack: StackModel): IngressEntry[] {
  const entries: IngressEntry[] = [];
  for (const acl of ofType(stack, 'aws_network_acl', 'aws_default_network_acl')) {
    blocks(acl.attrs.ingress).forEach((rule, i) => {
      if (rule.action !== 'allow') return;
      entries.push({
        resource: acl,
        attribute: `ingress[${i}]`,
        cidrs: [rule.cidr_block, rule.ipv6_cidr_block].filter((c) => typeof c === 'string') as string[],
        fromPort: Number(rule.from_port ?? 0),
        toPort: Number(rule.to_port ?? 65535),
        protocol: String(rule.protocol ?? '-1'),
      });
    });
  }
  for (const rule of ofType(stack, 'aws_network_acl_rule')) {
    if (isTrue(rule.attrs.egress) || rule.attrs.rule_action !== 'allow') continue;
    entries.push({
      resource: rule,
      attribute: 'cidr_block',
      cidrs: [rule.attrs.cidr_block, rule.attrs.ipv6_cidr_block].filter((c) => typeof c === 'string') as string[],
      fromPort: Number(rule.attrs.from_port ?? 0),
      toPort: Number(rule.attrs.to_port ?? 65535),
      protocol: String(rule.attrs.protocol ?? '-1'),
    });
  }
  return entries;
}

const ADMIN_PORTS = [22, 3389];
function coversAdminPort(e: IngressEntry): boolean {
  const all = e.protocol === '-1' || e.protocol === 'all';
  return all || ADMIN_PORTS.some((p) => e.fromPort <= p && p <= e.toPort);
}

function ingressFrom(e: IngressEntry): Check {
  const open = e.cidrs.filter((c) => ANYWHERE.includes(c));
  return check(
    e.resource,
    e.attribute,
    { cidrs: e.cidrs, ports: `${e.fromPort}-${e.toPort}`, protocol: e.protocol },
    open.length === 0,
    `admits ${open.join(', ')}`,
  );
}

function allPorts(e: IngressEntry): boolean {
  const all = e.protocol === '-1' || e.protocol === 'all';
  return all || (e.fromPort <= 0 && e.toPort >= 65535);
}

/** Every security group egress, in the four forms Terraform declares it. */
function egressEntries(stack: StackModel): IngressEntry[] {
  const entries: IngressEntry[] = [];
  for (const sg of ofType(stack, 'aws_security_group', 'aws_default_security_group')) {
    blocks(sg.attrs.egress).forEach((rule, i) =>
      entries.push({
        resource: sg,
        attribute: `egress[${i}]`,
        cidrs: [...asList(rule.cidr_blocks), ...asList(rule.ipv6_cidr_blocks)].map(String),
        fromPort: Number(rule.from_port ?? 0),
        toPort: Number(rule.to_port ?? 65535),
        protocol: String(rule.protocol ?? '-1'),
      }),
    );
  }
  for (const rule of ofType(stack, 'aws_vpc_security_group_egress_rule')) {
    entries.push({
      resource: rule,
      attribute: 'cidr_ipv4/cidr_ipv6',
      cidrs: [rule.attrs.cidr_ipv4, rule.attrs.cidr_ipv6].filter((c) => typeof c === 'string') as string[],
      fromPort: Number(rule.attrs.from_port ?? 0),
      toPort: Number(rule.attrs.to_port ?? 65535),
      protocol: String(rule.attrs.ip_protocol ?? '-1'),
    });
  }
  for (const rule of ofType(stack, 'aws_security_group_rule').filter((r) => r.attrs.type === 'egress')) {
    entries.push({
      resource: rule,
      attribute: 'cidr_blocks/ipv6_cidr_blocks',
      cidrs: [...asList(rule.attrs.cidr_blocks), ...asList(rule.attrs.ipv6_cidr_blocks)].map(String),
      fromPort: Number(rule.attrs.from_port ?? 0),
      toPort: Number(rule.attrs.to_port ?? 65535),
      protocol: String(rule.attrs.protocol ?? '-1'),
    });
  }
  return entries;
}

const INTERNET_GATEWAYS = [
  'aws_internet_gateway',
  'aws_egress_only_internet_gateway',
  'aws_internet_gateway_attachment',
];
/** Route arguments that name a next hop; gateway_id and egress_only_gateway_id can reach the internet. */
const ROUTE_TARGETS = ['gateway_id', 'egress_only_gateway_id', 'nat_gateway_id', 'carrier_gateway_id'];

/** Routes in every form: aws_route, and inline routes of route tables (default ones included). */
function routes(stack: StackModel): { resource: Resource; attribute: string; route: Record<string, unknown> }[] {
  return [
    ...ofType(stack, 'aws_route').map((r) => ({ resource: r, attribute: 'route targets', route: r.attrs })),
    ...ofType(stack, 'aws_route_table', 'aws_default_route_table').flatMap((t) =>
      blocks(t.attrs.route).map((route, i) => ({ resource: t, attribute: `route[${i}] targets`, route })),
    ),
  ];
}

/**
 * Why a route target may lead to the internet, or undefined when it cannot. Gateway ids are
 * judged by prefix (igw-, eigw-; a virtual private gateway vgw- and the S3/DynamoDB gateway
 * endpoints vpce- are private) or by the resource a reference leads to; a reference this guard
 * cannot follow fails.
 */
function internetTarget(
  stack: StackModel,
  attribute: string,
  value: unknown,
  context: RuleContext,
): string | undefined {
  if (attribute === 'egress_only_gateway_id') return 'an egress-only internet gateway';
  if (attribute === 'carrier_gateway_id') return 'a carrier gateway reaches the carrier network';
  const text = String(value);
  if (text.includes('${')) {
    const found = resolveResource(stack, text, context);
    if (!found) return `cannot follow ${text} to the gateway it names`;
    if (INTERNET_GATEWAYS.includes(found.resource.type)) return `${found.resource.address} is an internet gateway`;
    return undefined;
  }
  if (attribute === 'nat_gateway_id') return undefined; // a NAT gateway's own route is judged where it lives
  if (/^(vgw|vpce)-[0-9a-f]+$/.test(text) || text === 'local') return undefined;
  return /^igw-/.test(text) ? `${text} is an internet gateway` : `${text} is not a known private gateway id`;
}

/** VPCs of the stack and the resources that refer to them. */
function vpcsWith(stack: StackModel, type: string, vpcAttr: string): { vpc: Resource; match: Resource | undefined }[] {
  const candidates = ofType(stack, type);
  return ofType(stack, 'aws_vpc').map((vpc) => ({
    vpc,
    match: candidates.find((c) => referencedResources(stack, c.attrs[vpcAttr]).includes(vpc)),
  }));
}

export const networkRules: Rule[] = [
  {
    id: 'CLX-NET-001',
    title: 'No security group admits traffic from 0.0.0.0/0 or ::/0',
    severity: 'error',
    rationale:
      'GPU nodes and tenant networks are private; anything reachable from the internet widens the attack surface.',
    controls: { cis: ['5.2', '5.3'], nist: ['SC-7', 'AC-4'] },
    checkov: ['CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260'],
    check: (stack) => securityGroupIngress(stack).map(ingressFrom),
  },
  {
    id: 'CLX-NET-002',
    title: 'No network ACL admits remote administration (22, 3389) from 0.0.0.0/0 or ::/0',
    severity: 'error',
    rationale: 'NACLs are the subnet-level backstop when a security group is misconfigured.',
    controls: { cis: ['5.1'], nist: ['SC-7', 'AC-17'] },
    checkov: ['CKV_AWS_229', 'CKV_AWS_230', 'CKV_AWS_231', 'CKV_AWS_232'],
    check: (stack) => naclIngressAllows(stack).filter(coversAdminPort).map(ingressFrom),
  },
  {
    id: 'CLX-NET-003',
    title: 'Subnets do not assign public IP addresses',
    severity: 'error',
    rationale: 'A public address on launch exposes an instance directly, bypassing the private design.',
    controls: { cis: [], nist: ['SC-7', 'AC-4'] },
    checkov: ['CKV_AWS_130'],
    check: (stack) =>
      ofType(stack, 'aws_subnet').map((s) =>
        check(
          s,
          'map_public_ip_on_launch',
          s.attrs.map_public_ip_on_launch ?? false,
          !isTrue(s.attrs.map_public_ip_on_launch),
        ),
      ),
  },
  {
    id: 'CLX-NET-004',
    title: 'Launch templates and instances do not associate public IP addresses',
    severity: 'error',
    rationale: 'GPU nodes reach the platform through private endpoints only.',
    controls: { cis: [], nist: ['SC-7', 'AC-4'] },
    checkov: ['CKV_AWS_88'],
    check: (stack) => [
      ...ofType(stack, 'aws_launch_template').flatMap((lt) =>
        blocks(lt.attrs.network_interfaces).map((nic, i) =>
          check(
            lt,
            `network_interfaces[${i}].associate_public_ip_address`,
            nic.associate_public_ip_address ?? null,
            !isTrue(nic.associate_public_ip_address),
          ),
        ),
      ),
      ...ofType(stack, 'aws_instance').map((i) =>
        check(
          i,
          'associate_public_ip_address',
          i.attrs.associate_public_ip_address ?? null,
          !isTrue(i.attrs.associate_public_ip_address),
        ),
      ),
    ],
  },
  {
    id: 'CLX-NET-005',
    title: 'Every VPC adopts its default security group with no rules',
    severity: 'error',
    rationale: 'Resources launched without a group fall back on the default one; closed, it admits and sends nothing.',
    controls: { cis: ['5.4'], nist: ['SC-7', 'AC-4'] },
    checkov: ['CKV2_AWS_12'],
    check: (stack) =>
      vpcsWith(stack, 'aws_default_security_group', 'vpc_id').map(({ vpc, match }) => {
        if (!match)
          return check(
            vpc,
            'aws_default_security_group',
            null,
            false,
            'the default security group is not adopted, so its allow-all rules stay',
          );
        const rules = { ingress: blocks(match.attrs.ingress).length, egress: blocks(match.attrs.egress).length };
        return check(
          match,
          'ingress/egress',
          rules,
          rules.ingress === 0 && rules.egress === 0,
          'the default security group has rules',
        );
      }),
  },
  {
    id: 'CLX-NET-006',
    title: 'Every VPC has flow logs',
    severity: 'error',
    rationale:
      'Flow logs are the record of which packets were accepted and rejected, for incident response and the isolation audit.',
    controls: { cis: ['3.7'], nist: ['AU-2', 'AU-12', 'SI-4'] },
    checkov: ['CKV2_AWS_11'],
    check: (stack) =>
      vpcsWith(stack, 'aws_flow_log', 'vpc_id').map(({ vpc, match }) =>
        check(
          vpc,
          'aws_flow_log.vpc_id',
          match ? match.address : null,
          match !== undefined,
          'no aws_flow_log refers to this VPC',
        ),
      ),
  },
  {
    id: 'CLX-NET-007',
    title: 'Flow logs capture all traffic, accepted and rejected',
    severity: 'warning',
    rationale: 'Logging only rejects hides the accepted flows an investigation needs.',
    controls: { cis: ['3.7'], nist: ['AU-3', 'AU-12'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_flow_log').map((f) =>
        check(f, 'traffic_type', f.attrs.traffic_type, f.attrs.traffic_type === 'ALL'),
      ),
  },
  {
    id: 'CLX-NET-008',
    title: 'Security groups and their rules carry a description',
    severity: 'warning',
    rationale: 'A reviewer needs the purpose of every opening to judge it.',
    controls: { cis: [], nist: ['CM-6', 'SC-7'] },
    checkov: ['CKV_AWS_23'],
    check: (stack) =>
      ofType(
        stack,
        'aws_security_group',
        'aws_vpc_security_group_ingress_rule',
        'aws_vpc_security_group_egress_rule',
        'aws_security_group_rule',
      ).map((r) =>
        check(
          r,
          'description',
          r.attrs.description,
          typeof r.attrs.description === 'string' && r.attrs.description.trim().length > 0,
        ),
      ),
  },
  {
    id: 'CLX-NET-009',
    title: 'No security group sends all traffic to 0.0.0.0/0 or ::/0',
    severity: 'warning',
    rationale: 'Unrestricted egress is the path for data exfiltration; egress names its destinations.',
    controls: { cis: [], nist: ['SC-7(5)', 'AC-4'] },
    checkov: ['CKV_AWS_382'],
    check: (stack) =>
      egressEntries(stack).map((e) => {
        const open = e.cidrs.filter((c) => ANYWHERE.includes(c));
        return check(
          e.resource,
          e.attribute,
          { cidrs: e.cidrs, ports: `${e.fromPort}-${e.toPort}`, protocol: e.protocol },
          !(open.length > 0 && allPorts(e)),
          `sends every port to ${open.join(', ')}`,
        );
      }),
  },
  {
    id: 'CLX-NET-010',
    title: 'No route leads to an internet gateway',
    severity: 'error',
    rationale:
      'Cluster and tenant networks are private by design; egress goes through endpoints and the Transit Gateway.',
    controls: { cis: [], nist: ['SC-7', 'SC-7(4)'] },
    checkov: [],
    check: (stack, context) => [
      ...ofType(stack, ...INTERNET_GATEWAYS).map((g) =>
        check(g, 'type', g.type, false, 'an internet gateway exists in a private-by-design network'),
      ),
      ...routes(stack).map(({ resource, attribute, route }) => {
        const targets = ROUTE_TARGETS.filter((a) => route[a] !== undefined && route[a] !== null && route[a] !== '');
        const bad = targets
          .map((a) => ({ a, why: internetTarget(stack, a, route[a], context) }))
          .filter((t) => t.why !== undefined);
        return check(
          resource,
          attribute,
          Object.fromEntries(targets.map((a) => [a, route[a]])),
          bad.length === 0,
          bad.map((b) => `${b.a}: ${b.why}`).join('; '),
        );
      }),
    ],
  },
  {
    id: 'CLX-NET-011',
    title: 'Transit Gateways neither auto-accept attachments nor use default route tables',
    severity: 'error',
    rationale:
      'Tenant isolation depends on one route table per tenant; the default association and propagation would join every attachment.',
    controls: { cis: [], nist: ['AC-4', 'SC-7'] },
    checkov: ['CKV_AWS_331'],
    check: (stack) =>
      ofType(stack, 'aws_ec2_transit_gateway').map((t) => {
        const value = {
          auto_accept_shared_attachments: t.attrs.auto_accept_shared_attachments ?? 'disable',
          default_route_table_association: t.attrs.default_route_table_association ?? 'enable',
          default_route_table_propagation: t.attrs.default_route_table_propagation ?? 'enable',
        };
        return check(
          t,
          'auto_accept_shared_attachments/default_route_table_*',
          value,
          Object.values(value).every((v) => v === 'disable'),
        );
      }),
  },
];
