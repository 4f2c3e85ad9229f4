import { Testing, TerraformStack } from 'cdktf';
import { ClusterNetwork } from '../../constructs/network/cluster-network';
import { synthStack, resourcesOf, refTo } from '../helpers/synth';

const halls = [
  { id: 'hall-a', availabilityZone: 'us-east-1a', frontendCidr: '10.0.0.0/20', fabricCidr: '10.1.0.0/18' },
  { id: 'hall-b', availabilityZone: 'us-east-1b', frontendCidr: '10.0.16.0/20', fabricCidr: '10.1.64.0/18' },
];

const app = Testing.app();
const stack = new TerraformStack(app, 'net');
new ClusterNetwork(stack, 'net', {
  name: 'test-colossus-1',
  cidr: '10.0.0.0/16',
  region: 'us-east-1',
  accountId: '111111111111',
  halls,
  flowLogRetentionDays: 365,
});
const json = synthStack(stack);

describe('ClusterNetwork', () => {
  it('gives every hall a private front-end subnet and a GPU fabric subnet in its zone', () => {
    const subnets = Object.values(resourcesOf(json, 'aws_subnet'));
    expect(subnets).toHaveLength(halls.length * 2);
    for (const hall of halls) {
      const inHall = subnets.filter((s) => (s.tags as Record<string, string>).hall === hall.id);
      expect(inHall.map((s) => s.availability_zone)).toEqual([hall.availabilityZone, hall.availabilityZone]);
      expect(inHall.map((s) => s.cidr_block)).toContain(hall.frontendCidr);
    }
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it('attaches each hall fabric block to the VPC before its subnet uses it', () => {
    const blocks = resourcesOf(json, 'aws_vpc_ipv4_cidr_block_association');
    expect(Object.values(blocks).map((b) => b.cidr_block)).toEqual(halls.map((h) => h.fabricCidr));
    const fabricSubnets = Object.values(resourcesOf(json, 'aws_subnet')).filter((s) =>
      String(s.cidr_block).startsWith('${aws_vpc_ipv4_cidr_block_association.'),
    );
    expect(fabricSubnets).toHaveLength(halls.length);
  });

  it('routes each subnet through its own table, with the S3 gateway endpoint on all of them', () => {
    const tables = Object.keys(resourcesOf(json, 'aws_route_table'));
    expect(Object.keys(resourcesOf(json, 'aws_route_table_association'))).toHaveLength(tables.length);
    const [endpoint] = Object.values(resourcesOf(json, 'aws_vpc_endpoint'));
    expect(endpoint).toEqual(
      expect.objectContaining({ vpc_endpoint_type: 'Gateway', service_name: 'com.amazonaws.us-east-1.s3' }),
    );
    expect(endpoint?.route_table_ids).toHaveLength(tables.length);
  });

  it('closes the default security group by adopting it with no rules', () => {
    const [group] = Object.values(resourcesOf(json, 'aws_default_security_group'));
    expect(group?.vpc_id).toBe(refTo(json, 'aws_vpc', 'id'));
    expect(group).not.toHaveProperty('ingress');
    expect(group).not.toHaveProperty('egress');
  });

  it('logs all flows to a log group encrypted with a rotating key that CloudWatch Logs may use', () => {
    expect(resourcesOf(json, 'aws_flow_log')).toEqual({
      [Object.keys(resourcesOf(json, 'aws_flow_log'))[0]!]: expect.objectContaining({
        traffic_type: 'ALL',
        vpc_id: refTo(json, 'aws_vpc', 'id'),
        log_destination: refTo(json, 'aws_cloudwatch_log_group', 'arn'),
      }),
    });
    const [logGroup] = Object.values(resourcesOf(json, 'aws_cloudwatch_log_group'));
    expect(logGroup?.kms_key_id).toBe(refTo(json, 'aws_kms_key', 'arn'));
    const [key] = Object.values(resourcesOf(json, 'aws_kms_key'));
    expect(key?.enable_key_rotation).toBe(true);
    const policy = JSON.parse(String(key?.policy)) as { Statement: { Principal: Record<string, string> }[] };
    expect(policy.Statement.map((s) => s.Principal)).toContainEqual({ Service: 'logs.us-east-1.amazonaws.com' });
  });
});
