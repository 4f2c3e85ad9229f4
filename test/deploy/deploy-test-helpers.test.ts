import {
  declaredResources,
  destroyWaves,
  goneAttachments,
  leftovers,
  lockIdFrom,
  namedCounts,
  orphans,
  OUR_MARKERS,
  ruleOrphans,
  stateAddresses,
} from '../../tools/deploy-test';

describe('deploy test inventory', () => {
  it('counts entries that carry a marker of ours, by service and model', () => {
    const inventory = {
      ec2: {
        EC2Backend: [{ tags: { 'vpc-1': { 'managed-by': 'colossus-infra' } } }],
        VPC: [
          { id: 'vpc-1', tags: { 'managed-by': 'colossus-infra' } },
          { id: 'vpc-default', is_default: true },
        ],
        VPCEndPoint: [{ id: 'vpce-1', State: 'deleted', Tags: [{ Key: 'managed-by', Value: 'colossus-infra' }] }],
        Instance: [
          {
            id: 'i-1',
            State: { Name: 'terminated' },
            Tags: [{ Key: 'stack', Value: 'emulator-colossus-1-compute-hall-a' }],
          },
        ],
      },
      kms: {
        Key: [
          { id: 'k-1', KeyState: 'PendingDeletion', Description: 'emulator-colossus-1 flow logs' },
          { id: 'k-2', KeyState: 'Enabled', Description: 'emulator-lab-alpha data' },
        ],
      },
      s3: { FakeBucket: [{ name: 'someone-elses-bucket' }] },
    };
    expect(leftovers(inventory, OUR_MARKERS)).toEqual({ 'ec2.VPC': 1, 'kms.Key': 1 });
  });

  const synthesized = {
    resource: {
      aws_launch_template: { 'su-000_lt': { name: 'emulator-c-hall-a-su-000' } },
      aws_autoscaling_group: { 'su-000_asg': { name: 'emulator-c-hall-a-su-000' } },
      aws_vpc_security_group_ingress_rule: { 'sg_from-self': { description: 'self' } },
    },
  };
  const inventory = {
    ec2: { LaunchTemplate: [{ id: 'lt-1', name: 'emulator-c-hall-a-su-000' }], EC2Backend: [{ name: 'x' }] },
    autoscaling: { AutoScalingGroup: [] },
  };

  it('lists the declared resources of a stack with their AWS names', () => {
    expect(declaredResources(synthesized)).toEqual([
      { address: 'aws_launch_template.su-000_lt', type: 'aws_launch_template', name: 'emulator-c-hall-a-su-000' },
      { address: 'aws_autoscaling_group.su-000_asg', type: 'aws_autoscaling_group', name: 'emulator-c-hall-a-su-000' },
      { address: 'aws_vpc_security_group_ingress_rule.sg_from-self', type: 'aws_vpc_security_group_ingress_rule' },
    ]);
  });

  it('reads managed resource instances from a pulled state, data sources aside', () => {
    const state = {
      resources: [
        { mode: 'managed', type: 'aws_launch_template', name: 'su-000_lt', instances: [{}] },
        { mode: 'data', type: 'terraform_remote_state', name: 'network', instances: [{}] },
      ],
    };
    expect(stateAddresses(state)).toEqual(['aws_launch_template.su-000_lt']);
  });

  it('finds a resource created in the emulator but missing from state, by its name and type', () => {
    const declared = declaredResources(synthesized);
    // The ASG shares the template's name but is not in the emulator: nothing to adopt for it.
    expect(orphans(declared, [], inventory)).toEqual([{ address: 'aws_launch_template.su-000_lt', importId: 'lt-1' }]);
    expect(orphans(declared, ['aws_launch_template.su-000_lt'], inventory)).toEqual([]);
    expect(namedCounts(declared, inventory)).toEqual({
      'aws_launch_template.su-000_lt': 1,
      'aws_autoscaling_group.su-000_asg': 0,
    });
  });

  describe('security group rules created but not recorded', () => {
    // As cdktf synthesizes the EFA and node groups' rules.
    const stack = {
      resource: {
        aws_security_group: { efa_sg: { name: 'efa' }, node_sg: { name: 'node' } },
        aws_vpc_security_group_ingress_rule: {
          'efa_from-self': {
            security_group_id: '${aws_security_group.efa_sg.id}',
            referenced_security_group_id: '${aws_security_group.efa_sg.id}',
            ip_protocol: '-1',
          },
        },
        aws_vpc_security_group_egress_rule: {
          'efa_to-self': {
            security_group_id: '${aws_security_group.efa_sg.id}',
            referenced_security_group_id: '${aws_security_group.efa_sg.id}',
            ip_protocol: '-1',
          },
          'node_https-s3': {
            security_group_id: '${aws_security_group.node_sg.id}',
            prefix_list_id: '${data.terraform_remote_state.network.outputs.s3_prefix_list_id}',
            ip_protocol: 'tcp',
            from_port: 443,
            to_port: 443,
          },
          'node_https-platform': {
            security_group_id: '${aws_security_group.node_sg.id}',
            cidr_ipv4: '10.0.0.0/16',
            ip_protocol: 'tcp',
            from_port: 443,
            to_port: 443,
          },
        },
      },
    };
    const group = (name: string, id: string) => ({
      mode: 'managed',
      type: 'aws_security_group',
      name,
      instances: [{ attributes: { id } }],
    });
    const state = {
      resources: [
        group('efa_sg', 'sg-efa'),
        group('node_sg', 'sg-node'),
        {
          mode: 'data',
          type: 'terraform_remote_state',
          name: 'network',
          instances: [{ attributes: { outputs: { value: { s3_prefix_list_id: 'pl-s3' }, type: ['object', {}] } } }],
        },
        {
          mode: 'managed',
          type: 'aws_vpc_security_group_ingress_rule',
          name: 'efa_from-self',
          instances: [{ attributes: { id: 'sgr-in' } }],
        },
      ],
    };
    const rule = (id: string, fields: Record<string, unknown>) => ({
      SecurityGroupRuleId: id,
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      ...fields,
    });
    const efaIn = rule('sgr-in', { GroupId: 'sg-efa', IsEgress: false, ReferencedGroupInfo: { GroupId: 'sg-efa' } });
    const efaOut = rule('sgr-out', { GroupId: 'sg-efa', IsEgress: true, ReferencedGroupInfo: { GroupId: 'sg-efa' } });

    it('adopts the one rule matching group, direction, protocol and peer, not one state holds', () => {
      expect(ruleOrphans(stack, state, { ec2: { SecurityGroupRule: [efaIn, efaOut] } })).toEqual([
        { address: 'aws_vpc_security_group_egress_rule.efa_to-self', importId: 'sgr-out' },
      ]);
    });

    it('matches ports and CIDR for a TCP rule, and leaves a rule of another port or CIDR alone', () => {
      const platform = rule('sgr-443', {
        GroupId: 'sg-node',
        IsEgress: true,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        CidrIpv4: '10.0.0.0/16',
      });
      expect(ruleOrphans(stack, state, { ec2: { SecurityGroupRule: [platform] } })).toEqual([
        { address: 'aws_vpc_security_group_egress_rule.node_https-platform', importId: 'sgr-443' },
      ]);
      const otherPort = { ...platform, FromPort: 8443, ToPort: 8443 };
      const otherCidr = { ...platform, CidrIpv4: '0.0.0.0/0' };
      expect(ruleOrphans(stack, state, { ec2: { SecurityGroupRule: [otherPort, otherCidr] } })).toEqual([]);
    });

    it('reads a prefix list from the network stack outputs, as the state recorded them', () => {
      const s3 = rule('sgr-s3', {
        GroupId: 'sg-node',
        IsEgress: true,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        PrefixListId: 'pl-s3',
      });
      expect(
        ruleOrphans(stack, state, {
          ec2: { SecurityGroupRule: [s3, { ...s3, SecurityGroupRuleId: 'sgr-other', PrefixListId: 'pl-other' }] },
        }),
      ).toEqual([{ address: 'aws_vpc_security_group_egress_rule.node_https-s3', importId: 'sgr-s3' }]);
      const withoutOutputs = { resources: state.resources.filter((r) => r.mode === 'managed') };
      expect(ruleOrphans(stack, withoutOutputs, { ec2: { SecurityGroupRule: [s3] } })).toEqual([]);
    });

    it('adopts nothing it cannot match once: the default allow-all egress, or two candidates', () => {
      const allowAll = rule('sgr-default', { GroupId: 'sg-efa', IsEgress: true, CidrIpv4: '0.0.0.0/0' });
      expect(ruleOrphans(stack, state, { ec2: { SecurityGroupRule: [allowAll] } })).toEqual([]);
      const twin = { ...efaOut, SecurityGroupRuleId: 'sgr-twin' };
      expect(ruleOrphans(stack, state, { ec2: { SecurityGroupRule: [efaOut, twin] } })).toEqual([]);
    });

    it('adopts nothing when the group itself is not in state', () => {
      const noGroups = { resources: [] };
      expect(ruleOrphans(stack, noGroups, { ec2: { SecurityGroupRule: [efaIn, efaOut] } })).toEqual([]);
    });
  });

  it('recognizes a destroy that failed only because the emulator dropped a deleted attachment', () => {
    const gone = `Error: waiting for EC2 Transit Gateway VPC Attachment (tgw-attach-8ce0) delete: couldn't find resource (21 retries)

Error: waiting for EC2 Transit Gateway VPC Attachment (tgw-attach-dfb3) delete: couldn't find resource (21 retries)
`;
    expect(goneAttachments(gone)).toEqual(['tgw-attach-8ce0', 'tgw-attach-dfb3']);
    expect(goneAttachments(`${gone}\nError: deleting EC2 VPC (vpc-1): DependencyViolation`)).toBeUndefined();
    expect(goneAttachments('Destroy complete! Resources: 3 destroyed.')).toBeUndefined();
  });
});

describe('stale lock id', () => {
  // As terraform 1.11 prints it when another run holds the lock.
  const refusal = [
    'Error: Error acquiring the state lock',
    '',
    'Error message: resource temporarily unavailable',
    'Lock Info:',
    '  ID:        70ee203c-abd0-318e-1853-cfd5a5ac2003',
    '  Path:      terraform.tfstate',
    '  Operation: OperationTypeApply',
  ].join('\n');

  it('reads the id force-unlock needs from the refusal, boxed or not', () => {
    expect(lockIdFrom(refusal)).toBe('70ee203c-abd0-318e-1853-cfd5a5ac2003');
    const boxed = refusal
      .split('\n')
      .map((line) => `│ ${line}`)
      .join('\n');
    expect(lockIdFrom(`\x1b[31m${boxed}\x1b[0m`)).toBe('70ee203c-abd0-318e-1853-cfd5a5ac2003');
  });

  it('finds no id in output that holds no lock refusal', () => {
    expect(lockIdFrom('Error: Error acquiring the state lock\n\nError message: 403 Forbidden')).toBeUndefined();
  });
});

describe('destroy waves', () => {
  // The emulator base's manifest.json dependencies, bootstrap left out (it goes last, alone).
  const emulator = new Map<string, string[]>([
    ['emulator-audit', []],
    ['emulator-colossus-1-alerting', []],
    ['emulator-colossus-1-compute-hall-a', ['emulator-colossus-1-network', 'emulator-colossus-1-tenancy']],
    ['emulator-colossus-1-compute-hall-b', ['emulator-colossus-1-network', 'emulator-colossus-1-tenancy']],
    ['emulator-colossus-1-monitoring-hall-a', ['emulator-colossus-1-alerting']],
    ['emulator-colossus-1-monitoring-hall-b', ['emulator-colossus-1-alerting']],
    ['emulator-colossus-1-network', []],
    ['emulator-colossus-1-tenancy', ['emulator-colossus-1-network']],
  ]);

  it('destroys a stack only after every stack that reads it, and each stack once', () => {
    const waves = destroyWaves(emulator);
    expect(waves).toEqual([
      [
        'emulator-audit',
        'emulator-colossus-1-compute-hall-a',
        'emulator-colossus-1-compute-hall-b',
        'emulator-colossus-1-monitoring-hall-a',
        'emulator-colossus-1-monitoring-hall-b',
      ],
      ['emulator-colossus-1-alerting', 'emulator-colossus-1-tenancy'],
      ['emulator-colossus-1-network'],
    ]);
    const waveOf = new Map(waves.flatMap((wave, i) => wave.map((s) => [s, i] as const)));
    expect(waveOf.size).toBe(emulator.size);
    for (const [stack, deps] of emulator)
      for (const d of deps) expect(waveOf.get(d)!).toBeGreaterThan(waveOf.get(stack)!);
  });

  it('follows a chain through stacks that are not listed first', () => {
    const chain = new Map([
      ['c', ['b']],
      ['a', []],
      ['b', ['a']],
    ]);
    expect(destroyWaves(chain)).toEqual([['c'], ['b'], ['a']]);
  });

  it('refuses a cycle, naming the stacks left', () => {
    const cycle = new Map([
      ['x', ['y']],
      ['y', ['x']],
      ['z', []],
    ]);
    expect(() => destroyWaves(cycle)).toThrow('the stacks depend on each other in a cycle: x, y');
  });
});
