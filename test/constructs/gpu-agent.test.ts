import { Testing, TerraformStack } from 'cdktf';
import {
  AGENT_CONFIG_FILE,
  SCALABLE_UNIT_PLACEHOLDER,
  gpuAgentConfig,
  gpuAgentConfigText,
  gpuAgentParameterName,
  gpuAgentUserData,
  gpuMeasurements,
} from '../../constructs/compute/gpu-agent-config';
import { GpuNodeRole } from '../../constructs/compute/gpu-node-role';
import {
  COLLECTION_INTERVAL_SECONDS,
  GPU_METRICS,
  SCALABLE_UNIT_DIMENSION,
  gpuNamespace,
} from '../../constructs/compute/gpu-telemetry';
import { resourcesOf, synthStack } from '../helpers/synth';

const LAB = { environment: 'prod', clusterId: 'colossus-1', owner: 'lab-a' };

describe('gpuAgentConfig: the CloudWatch agent configuration of one owner', () => {
  const config = gpuAgentConfig(LAB) as {
    agent: Record<string, unknown>;
    metrics: {
      namespace: string;
      append_dimensions: Record<string, string>;
      aggregation_dimensions: string[][];
      metrics_collected: { nvidia_gpu: Record<string, unknown> };
    };
  };

  it("publishes into the owner's own namespace", () => {
    expect(config.metrics.namespace).toBe('Colossus/GPU/prod/colossus-1/lab-a');
    expect(config.metrics.namespace).toBe(gpuNamespace('prod', 'colossus-1', 'lab-a'));
  });

  it('collects every contract metric, named as the agent publishes it (nvidia_smi_<measurement>)', () => {
    const gpu = config.metrics.metrics_collected.nvidia_gpu;
    expect(gpu.measurement).toEqual([
      'utilization_gpu',
      'utilization_memory',
      'memory_used',
      'temperature_gpu',
      'power_draw',
    ]);
    expect(gpuMeasurements().map((m) => `nvidia_smi_${m}`)).toEqual(Object.values(GPU_METRICS));
  });

  it('samples every 60 s, and adds the SU (from user data) and the instance as dimensions', () => {
    expect(COLLECTION_INTERVAL_SECONDS).toBe(60);
    expect(config.agent.metrics_collection_interval).toBe(60);
    expect(config.metrics.metrics_collected.nvidia_gpu.metrics_collection_interval).toBe(60);
    expect(config.metrics.metrics_collected.nvidia_gpu.append_dimensions).toEqual({
      [SCALABLE_UNIT_DIMENSION]: SCALABLE_UNIT_PLACEHOLDER,
    });
    expect(config.metrics.append_dimensions).toEqual({ InstanceId: '${aws:InstanceId}' });
  });

  it('rolls every metric up to the SU alone, the series the capacity stacks query with SCHEMA(<namespace>, ScalableUnit)', () => {
    expect(config.metrics.aggregation_dimensions).toEqual([['ScalableUnit']]);
  });

  it('never asks the agent to read tags or the group name (that would need ec2:DescribeTags)', () => {
    const text = gpuAgentConfigText(LAB);
    expect(text).not.toMatch(/AutoScalingGroupName|aws:ImageId|DescribeTags/);
    expect(JSON.parse(text)).toEqual(config);
  });

  it('differs between owners only in the namespace', () => {
    const other = gpuAgentConfigText({ ...LAB, owner: 'unallocated' });
    expect(other.replace('/unallocated"', '/lab-a"')).toBe(gpuAgentConfigText(LAB));
  });
});

describe('gpuAgentUserData: the first-boot script of one SU', () => {
  const script = gpuAgentUserData({
    parameterName: gpuAgentParameterName('prod', 'colossus-1', 'lab-a'),
    scalableUnit: 'prod-colossus-1-hall-a-su-007',
    region: 'us-east-1',
  });

  it("reads the owner's parameter, fills in the SU and starts the agent from the file", () => {
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain(
      'aws ssm get-parameter --region us-east-1 --name /colossus/prod/colossus-1/lab-a/cloudwatch-agent',
    );
    expect(script).toContain(
      `sed 's/${SCALABLE_UNIT_PLACEHOLDER}/prod-colossus-1-hall-a-su-007/g' > ${AGENT_CONFIG_FILE}`,
    );
    expect(script).toContain(`amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c file:${AGENT_CONFIG_FILE} -s`);
  });

  it('refuses names that could break out of the script', () => {
    expect(() =>
      gpuAgentUserData({ parameterName: '/p', scalableUnit: 'su-1; curl evil', region: 'us-east-1' }),
    ).toThrow('scalable unit name "su-1; curl evil": only a-z, 0-9 and - may reach user data');
    expect(() => gpuAgentUserData({ parameterName: '/p $(id)', scalableUnit: 'su-1', region: 'us-east-1' })).toThrow(
      'parameter name "/p $(id)": only A-Z, a-z, 0-9, /, _, . and - may reach user data',
    );
  });
});

describe('GpuNodeRole', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'nodes');
  new GpuNodeRole(stack, 'lab-a', {
    name: 'prod-colossus-1-lab-a-gpu-node',
    owner: 'lab-a',
    parameterName: '/colossus/prod/colossus-1/lab-a/cloudwatch-agent',
    agentConfig: gpuAgentConfigText(LAB),
    namespace: gpuNamespace('prod', 'colossus-1', 'lab-a'),
    accountId: '111111111111',
    region: 'us-east-1',
    tags: { tenant: 'lab-a' },
  });
  const json = synthStack(stack);
  const one = (type: string) => Object.values(resourcesOf(json, type))[0]!;
  const EXPECTED = [
    {
      Sid: 'ReadAgentConfig',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: 'arn:aws:ssm:us-east-1:111111111111:parameter/colossus/prod/colossus-1/lab-a/cloudwatch-agent',
    },
    {
      Sid: 'PublishOwnNamespace',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'Colossus/GPU/prod/colossus-1/lab-a' } },
    },
  ];

  it('keeps the agent configuration in a String parameter of the standard tier', () => {
    expect(one('aws_ssm_parameter')).toEqual(
      expect.objectContaining({
        name: '/colossus/prod/colossus-1/lab-a/cloudwatch-agent',
        type: 'String',
        tier: 'Standard',
        value: gpuAgentConfigText(LAB),
      }),
    );
    // Standard parameters hold up to 4 KB ("Parameter tiers", Systems Manager User Guide).
    expect(gpuAgentConfigText(LAB).length).toBeLessThan(4096);
  });

  it('lets the nodes read their own parameter and publish into their own namespace, nothing else', () => {
    expect(JSON.parse(String(one('aws_iam_role_policy').policy)).Statement).toEqual(EXPECTED);
    expect(JSON.stringify(json)).not.toMatch(/DescribeTags|ec2:Describe/);
  });

  it('bounds the role by the same grants, under a boundary named <env>-...-boundary', () => {
    const boundary = one('aws_iam_policy');
    expect(boundary.name).toBe('prod-colossus-1-lab-a-gpu-node-boundary');
    expect(JSON.parse(String(boundary.policy)).Statement).toEqual(EXPECTED);
    expect(one('aws_iam_role').permissions_boundary).toMatch(/^\$\{aws_iam_policy\.[^.]+\.arn\}$/);
  });

  it('is assumed by EC2 only, and joined to the nodes by an instance profile', () => {
    expect(JSON.parse(String(one('aws_iam_role').assume_role_policy)).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(one('aws_iam_instance_profile')).toEqual(
      expect.objectContaining({ name: 'prod-colossus-1-lab-a-gpu-node', tags: { tenant: 'lab-a' } }),
    );
  });
});
