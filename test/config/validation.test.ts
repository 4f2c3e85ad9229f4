import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, availableEnvironments, loadConfig } from '../../config/load';
import { problemsOf } from './config-problems';

const devText = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8');

// Plain YAML shapes; the tests edit them as a user would edit the file.
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary YAML under test

function devDoc(): Doc {
  return parse(devText) as Doc;
}

/** Problems reported for a dev config changed by `edit`. */
function problemsAfter(edit: (doc: Doc) => void): string[] {
  const doc = devDoc();
  edit(doc);
  return problemsOf(stringify(doc));
}

const c1 = (doc: Doc): Doc => doc.clusters[0];

function addSecondTenant(doc: Doc, cidr: string): void {
  c1(doc).halls[0].scalableUnits = 4;
  c1(doc).tenants.push({
    id: 'lab-second',
    displayName: 'Second lab',
    cidr,
    allocations: [{ hall: 'hall-a', firstUnit: 2, scalableUnits: 1 }],
    contractedGpus: 8,
    dataClassification: 'internal',
  });
}

describe('config validation', () => {
  it('accepts every shipped environment', () => {
    for (const environment of availableEnvironments()) {
      expect(() => loadConfig({ environment })).not.toThrow();
    }
  });

  it('rejects overlapping tenant CIDRs', () => {
    const problems = problemsAfter((doc) => addSecondTenant(doc, c1(doc).tenants[0].cidr));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^clusters\[colossus-1\]\.tenants\[lab-second\]\.cidr: 10\.4\.0\.0\/20 \(tenant lab-second\) overlaps 10\.4\.0\.0\/20 \(tenant lab-alpha\); address blocks must not overlap$/,
      ),
    );
  });

  it('rejects a tenant CIDR outside the cluster supernet', () => {
    const problems = problemsAfter((doc) => (c1(doc).tenants[0].cidr = '192.168.0.0/20'));
    expect(problems).toContain(
      'clusters[colossus-1].tenants[lab-alpha].cidr: 192.168.0.0/20 (tenant lab-alpha) is outside the cluster supernet 10.0.0.0/12; every block must lie inside the supernet',
    );
  });

  it('rejects more scalable units allocated in a hall than it holds', () => {
    const problems = problemsAfter((doc) => (c1(doc).tenants[0].allocations[0].scalableUnits = 3));
    expect(problems).toContain(
      'clusters[colossus-1].halls[hall-a].scalableUnits: hall hall-a holds 2 SUs but tenants are allocated 3; allocations must fit the hall',
    );
  });

  it('rejects contracted GPUs above the allocation', () => {
    const problems = problemsAfter((doc) => (c1(doc).tenants[0].contractedGpus = 17));
    expect(problems).toContain(
      'clusters[colossus-1].tenants[lab-alpha].contractedGpus: tenant lab-alpha is contracted for 17 GPUs but its allocation holds 16; contracted GPUs must not exceed the allocation',
    );
  });

  it('rejects an unknown instance type, listing the known ones', () => {
    const problems = problemsAfter((doc) => (c1(doc).fabric.instanceType = 'p9.huge'));
    expect(problems).toEqual([
      expect.stringMatching(
        /^clusters\[colossus-1\]\.fabric\.instanceType: unknown instance type "p9\.huge"; known types: .*p5\.48xlarge/,
      ),
    ]);
  });

  it('rejects GPUs per node that do not match the instance type', () => {
    const problems = problemsAfter((doc) => (c1(doc).fabric.gpusPerNode = 4));
    expect(problems).toContain(
      'clusters[colossus-1].fabric.gpusPerNode: p5.48xlarge has 8 GPUs per node, not 4; gpusPerNode must match the instance type',
    );
  });

  it('rejects duplicate hall ids', () => {
    const problems = problemsAfter((doc) => {
      c1(doc).halls.push({ ...c1(doc).halls[0], fabricCidr: '10.1.1.0/24' });
    });
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^clusters\[colossus-1\]\.halls\[hall-a\]\.id: duplicate hall id "hall-a" \(first used at halls\[0\]\); hall ids must be unique in a cluster$/,
      ),
    );
  });

  it('rejects duplicate tenant ids', () => {
    const problems = problemsAfter((doc) => {
      addSecondTenant(doc, '10.5.0.0/20');
      c1(doc).tenants[1].id = 'lab-alpha';
    });
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^clusters\[colossus-1\]\.tenants\[lab-alpha\]\.id: duplicate tenant id "lab-alpha" \(first used at tenants\[0\]\)/,
      ),
    );
  });

  it('rejects duplicate cluster ids', () => {
    const problems = problemsAfter((doc) => (doc.clusters[1].id = 'colossus-1'));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^clusters\[colossus-1\]\.id: duplicate cluster id "colossus-1" \(first used at clusters\[0\]\); cluster ids must be unique$/,
      ),
    );
  });

  it('rejects an allocation in a hall the cluster does not have', () => {
    const problems = problemsAfter((doc) => (c1(doc).tenants[0].allocations[0].hall = 'hall-z'));
    expect(problems).toContain(
      'clusters[colossus-1].tenants[lab-alpha].allocations[0].hall: unknown hall "hall-z"; known halls: hall-a',
    );
  });

  it('rejects an availability zone outside the region', () => {
    const problems = problemsAfter((doc) => (c1(doc).halls[0].availabilityZone = 'eu-west-1a'));
    expect(problems).toContain(
      "clusters[colossus-1].halls[hall-a].availabilityZone: eu-west-1a is not in the environment region us-east-1; a hall's zone must be in the region",
    );
  });

  it('rejects a fabric block too small for the hall nodes', () => {
    const problems = problemsAfter((doc) => (c1(doc).halls[0].fabricCidr = '10.1.0.0/30'));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^clusters\[colossus-1\]\.halls\[hall-a\]\.fabricCidr: 10\.1\.0\.0\/30 holds 4 addresses but the hall's 2 SUs need 9 .*the fabric block must fit every node$/,
      ),
    );
  });

  it('rejects a CIDR with host bits set', () => {
    const problems = problemsAfter((doc) => (c1(doc).tenants[0].cidr = '10.4.0.1/20'));
    expect(problems).toContain(
      'clusters[colossus-1].tenants[lab-alpha].cidr: must be an IPv4 CIDR block with no host bits set, such as 10.0.0.0/16',
    );
  });

  it('rejects an unquoted account id', () => {
    const problems = problemsOf(devText.replace(/accountId: .*/, 'accountId: 111111111111'));
    expect(problems).toEqual(['environment.accountId: Invalid input: expected string, received number']);
  });

  it('rejects a misspelled field instead of ignoring it', () => {
    const problems = problemsAfter((doc) => {
      c1(doc).fabric.nodesPerRak = c1(doc).fabric.nodesPerRack;
      delete c1(doc).fabric.nodesPerRack;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'clusters[colossus-1].fabric.nodesPerRack: Invalid input: expected number, received undefined',
        'clusters[colossus-1].fabric: Unrecognized key: "nodesPerRak"',
      ]),
    );
  });

  it('rejects malformed YAML with its line and column', () => {
    const problems = problemsOf('environment:\n  name: dev\n    region: [us-east-1\n');
    // Only the first syntax error: the rest are usually its echoes.
    expect(problems).toEqual([
      'malformed YAML at line 2, column 9: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('rejects a duplicated YAML key rather than keeping the last', () => {
    const text = devText.replace('  region: us-east-1\n', '  region: us-east-1\n  region: us-west-2\n');
    const line = text.split('\n').indexOf('  region: us-west-2') + 1;
    expect(problemsOf(text)).toEqual([
      `environment.region: duplicate key "region" at line ${line} (rule: keys are unique in a mapping)`,
    ]);
  });

  it('rejects a file that is not a mapping', () => {
    expect(problemsOf('- just\n- a list\n')).toEqual([
      '(root): the file must hold a mapping with environment and clusters',
    ]);
  });

  it('reports a missing environment file with the environments that exist', () => {
    expect(() => loadConfig({ environment: 'qa' })).toThrow(ConfigError);
    try {
      loadConfig({ environment: 'qa' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        `environment file not found: config/environments/qa.yaml (no environment "qa"; available: ${availableEnvironments().join(', ')})`,
      ]);
    }
  });

  it('reports a missing COLOSSUS_CONFIG file', () => {
    try {
      loadConfig({ file: 'nowhere/else.yaml' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'environment file not found: nowhere/else.yaml (COLOSSUS_CONFIG points at a file that does not exist)',
      ]);
    }
  });

  it('rejects an environment name that could escape the environments folder', () => {
    try {
      loadConfig({ environment: '../../etc/passwd' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems[0]).toMatch(
        /^COLOSSUS_ENV: environment name "\.\.\/\.\.\/etc\/passwd" must be lowercase letters/,
      );
    }
  });
});
