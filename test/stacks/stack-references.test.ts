import { App, Fn, LocalBackend, TerraformStack, Testing } from 'cdktf';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ColossusError } from '../../config/errors';
import {
  SelfContainedStack,
  foreignReferences,
  interpolations,
  referencedAddresses,
} from '../../stacks/stack-references';
import { sortStackJson } from '../../stacks/stack-file';

describe('interpolations and referenced addresses', () => {
  it('finds each ${…} with nested braces and quoted braces', () => {
    expect(interpolations('a ${aws_vpc.x.id} b ${merge({a = 1}, {b = "}"})} c')).toEqual([
      'aws_vpc.x.id',
      'merge({a = 1}, {b = "}"})',
    ]);
  });

  it('names resources and data sources, not variables, locals, iterators or string contents', () => {
    expect(
      referencedAddresses(
        'join(",", [aws_subnet.a.id, data.aws_vpc.main.id, var.x, local.y, each.value, count.index, "aws_fake.b"])',
      ),
    ).toEqual(['aws_subnet.a', 'data.aws_vpc.main']);
    // An attribute chain is one reference, not two.
    expect(referencedAddresses('aws_vpc.x.ipv6_cidr_block')).toEqual(['aws_vpc.x']);
  });

  it('lists a reference the stack does not declare, and passes one it does', () => {
    const json = {
      resource: {
        aws_vpc: { own: {} },
        aws_subnet: { s: { vpc_id: '${aws_vpc.own.id}', tag: '${aws_vpc.other.id}' } },
      },
      data: { terraform_remote_state: { network: {} } },
      output: { o: { value: '${data.terraform_remote_state.network.outputs.x}' } },
      locals: { l: '${data.aws_ami.missing.id}' },
    };
    expect(foreignReferences(json)).toEqual(['aws_vpc.other', 'data.aws_ami.missing']);
  });

  it('reads a reference spelled in a key, and takes the interpolating strings when given them', () => {
    const json = { resource: { aws_vpc: { own: { tags: { '${aws_vpc.elsewhere.id}': 'x' } } } } };
    expect(foreignReferences(json)).toEqual(['aws_vpc.elsewhere']);
    // Given the strings (as sortStackJson collects them), only those are read.
    expect(foreignReferences(json, ['${aws_subnet.gone.id}', '${aws_vpc.own.id}'])).toEqual(['aws_subnet.gone']);
  });

  it("passes a stack's own references in keys and nested values, as sortStackJson collects them (benign)", () => {
    const { json, interpolating } = sortStackJson({
      resource: { aws_vpc: { own: { tags: { '${aws_vpc.own.id}': '${upper(aws_vpc.own.arn)}' } } } },
    });
    expect(interpolating).toHaveLength(2);
    expect(foreignReferences(json, interpolating)).toEqual([]);
  });
});

describe('SelfContainedStack', () => {
  class Plain extends SelfContainedStack {
    constructor(scope: App, id: string) {
      super(scope, id);
      new AwsProvider(this, 'aws', { region: 'us-east-1' });
      new LocalBackend(this, { path: `${id}.tfstate` });
    }
  }

  it('fails synth, naming the address, when a value is taken from another stack by reference', () => {
    const app = Testing.app();
    const a = new Plain(app, 'a');
    const vpc = new Vpc(a, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const b = new Plain(app, 'b');
    new Subnet(b, 'subnet', { vpcId: vpc.id, cidrBlock: '10.0.0.0/24' });
    const attempt = () => app.synth();
    expect(attempt).toThrow(ColossusError);
    expect(attempt).toThrow(/stack b references what it does not declare/);
    expect(attempt).toThrow(/aws_vpc\.vpc\w*: not in b; read another stack's values through remote state/);
  });

  it('fails the same way for a data source read across stacks, and for a reference inside a function or a longer string', () => {
    const app = Testing.app();
    const a = new Plain(app, 'a');
    const zones = new DataAwsAvailabilityZones(a, 'zones', {});
    const vpc = new Vpc(a, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const b = new Plain(app, 'b');
    new Subnet(b, 'subnet', {
      vpcId: Fn.join('', [vpc.id]),
      availabilityZone: Fn.element(zones.names, 0),
      cidrBlock: '10.0.0.0/24',
      tags: { Name: `in-${vpc.id}-x` },
    });
    const attempt = () => app.synth();
    expect(attempt).toThrow(/data\.aws_availability_zones\.zones\w*: not in b/);
    expect(attempt).toThrow(/aws_vpc\.vpc\w*: not in b/);
  });

  it('fails the same way for a reference in a tag key, inside a raw ${join()}, and a data source id in a tag', () => {
    const app = Testing.app();
    const a = new Plain(app, 'a');
    const vpc = new Vpc(a, 'vpc', { cidrBlock: '10.0.0.0/16' });
    const dv = new DataAwsVpc(a, 'dv', { default: true });
    const b = new Plain(app, 'b');
    new Subnet(b, 'subnet', {
      vpcId: 'vpc-1',
      cidrBlock: '10.0.0.0/24',
      tags: { [`k-${vpc.id}`]: 'x', joined: `\${join(",", [${vpc.arn}])}`, data: dv.id },
    });
    const attempt = () => app.synth();
    expect(attempt).toThrow(/stack b references what it does not declare/);
    expect(attempt).toThrow(/aws_vpc\.vpc\w*: not in b/);
    expect(attempt).toThrow(/data\.aws_vpc\.dv\w*: not in b/);
  });

  it('writes the same JSON as a plain TerraformStack for a stack that references only itself', () => {
    const build = (stack: TerraformStack) => {
      new AwsProvider(stack, 'aws', { region: 'us-east-1' });
      new LocalBackend(stack, { path: 'x.tfstate' });
      const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
      new Subnet(stack, 'subnet', { vpcId: vpc.id, cidrBlock: '10.0.0.0/24' });
    };
    const own = new SelfContainedStack(Testing.app(), 's');
    const plain = new TerraformStack(Testing.app(), 's');
    build(own);
    build(plain);
    expect(Testing.synth(own)).toEqual(Testing.synth(plain));
  });
});
