import { DOTTED_QUAD_CIDR, nameProblems } from '../../config/aws-limits';
import { imageArchitecture } from '../../config/rules';
import { closestPaths } from '../../policy/from-config';

describe("AWS's rules as pure functions", () => {
  it('accepts only strict dotted-quad CIDRs', () => {
    for (const good of ['10.0.0.0/16', '0.0.0.0/0', '255.255.255.255/32', '192.168.10.0/24']) {
      expect(DOTTED_QUAD_CIDR.test(good)).toBe(true);
    }
    for (const bad of [
      '10.4.0/20',
      '10.4.0.00/20',
      '0xa.4.0.0/20',
      '010.4.0.0/20',
      '10.4.0.0/033',
      '256.0.0.0/8',
      '10.4.0.0',
      '10.4.0.0/20 ',
    ]) {
      expect(DOTTED_QUAD_CIDR.test(bad)).toBe(false);
    }
  });

  it('applies S3 bucket rules beyond length and characters', () => {
    expect(nameProblems('s3Bucket', 'colossus-infra-state-prod')).toEqual([]);
    expect(nameProblems('s3Bucket', 'xn--state')).toEqual([expect.stringContaining('starts with "xn--"')]);
    expect(nameProblems('s3Bucket', 'state--table-s3')).toEqual([expect.stringContaining('ends with "--table-s3"')]);
    expect(nameProblems('s3Bucket', '192.168.5.4')).toEqual([expect.stringContaining('formatted as an IP address')]);
    expect(nameProblems('s3Bucket', 'ab')).toEqual([expect.stringContaining('is 2 characters long; AWS allows 3-63')]);
  });

  it('holds IAM roles to 64 characters and KMS aliases off alias/aws/', () => {
    expect(nameProblems('iamRole', 'r'.repeat(64))).toEqual([]);
    expect(nameProblems('iamRole', 'r'.repeat(65))).toEqual([expect.stringContaining('AWS allows 1-64')]);
    expect(nameProblems('kmsAlias', 'alias/aws/mine')).toEqual([expect.stringContaining('alias/aws/')]);
    expect(nameProblems('securityGroup', 'sg-lab')).toEqual([expect.stringContaining('characters AWS does not allow')]);
  });

  it('reads the architecture an image parameter names, and only an unambiguous one', () => {
    expect(
      imageArchitecture('/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/nvidia/recommended/image_id'),
    ).toBe('x86_64');
    expect(
      imageArchitecture('/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/arm64/nvidia/recommended/image_id'),
    ).toBe('arm64');
    expect(
      imageArchitecture('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id'),
    ).toBe('x86_64');
    expect(imageArchitecture('/colossus/images/gpu-aarch64')).toBe('arm64');
    expect(imageArchitecture('/colossus/images/gpu')).toBeUndefined();
    expect(imageArchitecture('/colossus/x86_64/arm64')).toBeUndefined();
  });

  it('suggests the closest construct paths first', () => {
    const known = [
      'dev-colossus-1-network/cluster-network',
      'dev-colossus-2-network/cluster-network',
      'dev-colossus-1-alerting/topics',
    ];
    expect(closestPaths('dev-colossus-1-netwrk/cluster-network', known, 2)).toEqual([
      'dev-colossus-1-network/cluster-network',
      'dev-colossus-2-network/cluster-network',
    ]);
  });
});
