import { Testing, TerraformStack } from 'cdktf';
import { TenantBoundary } from '../../constructs/tenancy/tenant-boundary';
import { onePerZone } from '../../constructs/tenancy/tenant-network';
import { TransitHub } from '../../constructs/tenancy/transit-hub';
import { ALLOW_RULE, FIRST_DENY_RULE } from '../../constructs/tenancy/tenant-network-acl';

const others = [
  { tenantId: 'lab-b', cidr: '10.5.0.0/16' },
  { tenantId: 'lab-c', cidr: '10.6.0.0/16' },
];

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(): { json: Resources; all: Record<string, unknown>[] } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'tenancy');
  const hub = new TransitHub(stack, 'hub', {
    name: 'test-c1',
    sharedServicesVpcId: 'vpc-shared',
    sharedServicesSubnetIds: ['subnet-f1'],
  });
  new TenantBoundary(stack, 'lab-a', {
    name: 'test-c1-lab-a',
    accountNames: { role: 'test-lab-a-tenant', keyAlias: 'test-lab-a-data', bucket: 'test-lab-a-data-111111111111' },
    tenantId: 'lab-a',
    displayName: 'Lab A',
    dataClassification: 'restricted',
    cidr: '10.4.0.0/16',
    subnets: [
      { hallId: 'hall-a', availabilityZone: 'us-east-1a', cidr: '10.4.0.0/19' },
      { hallId: 'hall-b', availabilityZone: 'us-east-1a', cidr: '10.4.32.0/19' },
    ],
    otherTenants: others,
    sharedServicesCidr: '10.0.0.0/16',
    sharedServicesVpcRouteTableIds: { 'hall-a': 'rtb-fa' },
    transitGatewayId: hub.transitGateway.id,
    sharedServicesAttachmentId: hub.sharedServicesAttachment.id,
    sharedServicesRouteTableId: hub.sharedServicesRouteTable.id,
    platformAdminRoleArn: 'arn:aws:iam::111111111111:role/admin',
    accountId: '111111111111',
    region: 'us-east-1',
    logRetentionDays: 365,
  });
  const json = (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource;
  const all = Object.values(json as Record<string, Record<string, Record<string, unknown>>>).flatMap((byName) =>
    Object.values(byName),
  );
  return { json, all };
}

const { json, all } = synth();
const only = (type: string) => Object.values(json[type] ?? {});

describe('TransitHub', () => {
  it('turns off default route table association and propagation everywhere', () => {
    expect(only('aws_ec2_transit_gateway')).toEqual([
      expect.objectContaining({
        default_route_table_association: 'disable',
        default_route_table_propagation: 'disable',
      }),
    ]);
    for (const att of only('aws_ec2_transit_gateway_vpc_attachment')) {
      expect(att).toEqual(
        expect.objectContaining({
          transit_gateway_default_route_table_association: false,
          transit_gateway_default_route_table_propagation: false,
        }),
      );
    }
  });
});

describe('TenantBoundary', () => {
  it('gives the tenant a table holding its own association, the shared-services route and a blackhole per other tenant', () => {
    const tables = only('aws_ec2_transit_gateway_route_table');
    expect(tables).toHaveLength(2);
    const associations = only('aws_ec2_transit_gateway_route_table_association');
    expect(associations).toHaveLength(2);
    const routes = only('aws_ec2_transit_gateway_route');
    expect(routes.filter((r) => r.blackhole === true).map((r) => r.destination_cidr_block)).toEqual(
      others.map((o) => o.cidr),
    );
    expect(routes.filter((r) => r.blackhole !== true)).toEqual([
      expect.objectContaining({ destination_cidr_block: '10.0.0.0/16' }),
    ]);
    // The tenant only propagates into the shared-services table, never into another tenant's.
    expect(only('aws_ec2_transit_gateway_route_table_propagation')).toEqual([
      expect.objectContaining({ transit_gateway_route_table_id: expect.stringContaining('hub_shared-services-rt') }),
    ]);
  });

  it('builds a VPC with one subnet per hall, attached through one subnet per zone', () => {
    expect(only('aws_vpc')).toEqual([expect.objectContaining({ cidr_block: '10.4.0.0/16' })]);
    expect(only('aws_subnet').map((s) => s.cidr_block)).toEqual(['10.4.0.0/19', '10.4.32.0/19']);
    const tenantAttachment = only('aws_ec2_transit_gateway_vpc_attachment').find((a) =>
      String(a.vpc_id).includes('lab-a'),
    );
    expect(tenantAttachment?.subnet_ids).toHaveLength(1);
    expect(
      onePerZone([
        { availabilityZone: 'a', n: 1 },
        { availabilityZone: 'a', n: 2 },
        { availabilityZone: 'b', n: 3 },
      ]),
    ).toEqual([
      { availabilityZone: 'a', n: 1 },
      { availabilityZone: 'b', n: 3 },
    ]);
  });

  it("denies every other tenant's CIDR in both directions before the allow", () => {
    const rules = only('aws_network_acl_rule');
    for (const egress of [false, true]) {
      const denies = rules.filter((r) => r.egress === egress && r.rule_action === 'deny');
      expect(denies.map((r) => [r.cidr_block, r.protocol])).toEqual(others.map((o) => [o.cidr, '-1']));
      expect(Math.max(...denies.map((r) => r.rule_number as number))).toBeLessThan(ALLOW_RULE);
      expect(Math.min(...denies.map((r) => r.rule_number as number))).toBe(FIRST_DENY_RULE);
    }
    expect(only('aws_network_acl_association')).toHaveLength(2);
  });

  it('locks the default security group and logs every flow', () => {
    const sg = only('aws_default_security_group');
    expect(sg).toHaveLength(1);
    expect(sg[0]).not.toHaveProperty('ingress');
    expect(sg[0]).not.toHaveProperty('egress');
    expect(only('aws_flow_log')).toEqual([expect.objectContaining({ traffic_type: 'ALL' })]);
    const roles = only('aws_iam_role');
    expect(roles.every((r) => typeof r.permissions_boundary === 'string')).toBe(true);
  });

  it('scopes the tenant key to the tenant role and the platform admin role, with rotation', () => {
    const keys = only('aws_kms_key').filter((k) => String(k.description).includes('data of tenant'));
    expect(keys).toHaveLength(1);
    expect(keys[0]!.enable_key_rotation).toBe(true);
    const policy = JSON.parse(keys[0]!.policy as string) as { Statement: Record<string, unknown>[] };
    const sid = (s: string) => policy.Statement.find((x) => x.Sid === s)!;
    expect(sid('TenantRoleUsesKey').Principal).toEqual({ AWS: expect.stringContaining('aws_iam_role.lab-a_role_') });
    expect(sid('PlatformAdminAdministersKey').Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/admin' },
    });
    expect(sid('PlatformAdminAdministersKey').Action).not.toContain('kms:Decrypt');
    expect(sid('OnlyTenantRoleUsesKey')).toEqual(
      expect.objectContaining({ Effect: 'Deny', Action: expect.arrayContaining(['kms:Decrypt']) }),
    );
  });

  it('gives the tenant role a permission boundary limited to its bucket and its keys', () => {
    const role = only('aws_iam_role').find((r) => r.name === 'test-lab-a-tenant')!;
    expect(role.permissions_boundary).toEqual(expect.stringContaining('aws_iam_policy.lab-a_role_boundary'));
    const boundary = only('aws_iam_policy').find((p) => p.name === 'test-lab-a-tenant-boundary')!;
    const statements = (JSON.parse(boundary.policy as string) as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements.map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::test-lab-a-data-111111111111',
      'arn:aws:s3:::test-lab-a-data-111111111111/*',
      'arn:aws:kms:us-east-1:111111111111:key/*',
      '*',
    ]);
    expect(statements[2]!.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/tenant': 'lab-a' } });
    expect(statements[3]!.Action).toBe('sts:GetCallerIdentity');
  });

  it('keeps tenant data in a private, versioned, KMS-encrypted, TLS-only bucket', () => {
    expect(only('aws_s3_bucket')).toEqual([expect.objectContaining({ bucket: 'test-lab-a-data-111111111111' })]);
    expect(only('aws_s3_bucket_versioning')[0]!.versioning_configuration).toEqual({ status: 'Enabled' });
    const sse = only('aws_s3_bucket_server_side_encryption_configuration')[0]!.rule as Record<
      string,
      Record<string, unknown>
    >[];
    expect(sse[0]!.apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'aws:kms',
      kms_master_key_id: expect.stringContaining('aws_kms_key.lab-a_key_'),
    });
    expect(only('aws_s3_bucket_public_access_block')[0]).toEqual(
      expect.objectContaining({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    );
    expect(only('aws_s3_bucket_ownership_controls')[0]!.rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    const policy = JSON.parse(only('aws_s3_bucket_policy')[0]!.policy as string) as {
      Statement: Record<string, unknown>[];
    };
    expect(policy.Statement[0]).toEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('tags every taggable resource with the tenant and its classification', () => {
    const tagged = all.filter(
      (r) => 'tags' in r && !String((r.tags as Record<string, string>).Name ?? '').startsWith('test-c1-shared'),
    );
    const hub = all.filter((r) => r.description === 'test-c1: tenant and shared-services interconnect');
    const tenantTagged = tagged.filter((r) => !hub.includes(r));
    expect(tenantTagged.length).toBeGreaterThan(20);
    for (const r of tenantTagged) {
      expect(r.tags).toEqual(expect.objectContaining({ tenant: 'lab-a', 'data-classification': 'restricted' }));
    }
  });
});
