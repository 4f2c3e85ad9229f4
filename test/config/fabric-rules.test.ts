import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';
import { checkFabricRules } from '../../config/fabric-rules';
import { loadConfig } from '../../config/load';

const devText = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8');

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary YAML under test

function problemsAfter(edit: (doc: Doc) => void): string[] {
  const doc = parse(devText) as Doc;
  edit(doc);
  try {
    parseConfig(stringify(doc), 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

const c1 = (doc: Doc): Doc => doc.clusters[0];
const c2 = (doc: Doc): Doc => doc.clusters[1];

describe('fabric rules: the fabric as EC2 provides and sells it', () => {
  it.each(['p4d.24xlarge', 'p4de.24xlarge', 'p5en.48xlarge', 'p6-b200.48xlarge'])(
    'refuses %s, whose EC2 facts are not confirmed, naming what is missing',
    (type) => {
      const problems = problemsAfter((doc) => (c1(doc).fabric.instanceType = type));
      expect(problems).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^clusters\\[colossus-1\\]\\.fabric\\.instanceType: ${type.replace(/\./g, '\\.')} is refused: its EC2 facts are not confirmed \\(.*MaximumNetwork.*\\); a launch template is never built on a guess`,
          ),
        ),
      );
    },
  );

  it('rejects on-demand reservations for GB200, which AWS sells only as Capacity Blocks', () => {
    const problems = problemsAfter((doc) => (c2(doc).fabric.capacity = 'on-demand-reservation'));
    expect(problems).toEqual([
      'clusters[colossus-2].fabric.capacity: p6e-gb200.36xlarge is not sold as on-demand-reservation; AWS sells it as capacity-block, so capacity must be one of those',
    ]);
  });

  it('rejects a GB200 cluster that leaves capacity out, since the default is on-demand reservations', () => {
    const problems = problemsAfter((doc) => delete c2(doc).fabric.capacity);
    expect(problems).toEqual([
      'clusters[colossus-2].fabric.capacity: p6e-gb200.36xlarge is not sold as on-demand-reservation; AWS sells it as capacity-block, so capacity must be one of those',
    ]);
  });

  it('rejects on-demand reservations for p5e, confirmed only as Capacity Blocks', () => {
    const problems = problemsAfter((doc) => (c1(doc).fabric.instanceType = 'p5e.48xlarge'));
    expect(problems).toEqual([
      'clusters[colossus-1].fabric.capacity: p5e.48xlarge is not sold as on-demand-reservation; AWS sells it as capacity-block, so capacity must be one of those',
    ]);
  });

  it('rejects instance Capacity Blocks for a type that is not an UltraServer, until they are modeled', () => {
    const problems = problemsAfter((doc) => (c1(doc).fabric.capacity = 'capacity-block'));
    expect(problems).toEqual([
      'clusters[colossus-1].fabric.capacity: capacity-block is modeled for UltraServer types only; p5.48xlarge would need an instance Capacity Block, which this project does not model yet',
    ]);
  });

  it('rejects an SU that is not a whole number of UltraServers', () => {
    const problems = problemsAfter((doc) => {
      c2(doc).fabric.nodesPerRack = 9;
    });
    expect(problems).toContain(
      'clusters[colossus-2].fabric.nodesPerRack: an SU of 9 nodes per rack x 1 racks is 9 p6e-gb200.36xlarge instances, not a whole number of u-p6e-gb200x72 UltraServers (18 instances each, one NVLink domain); an SU must hold whole UltraServers',
    );
  });

  it('accepts an SU of several whole UltraServers, however the racks are cut', () => {
    const config = loadConfig({ environment: 'dev' });
    const cluster = config.clusters[1]!;
    for (const [nodesPerRack, racksPerScalableUnit] of [
      [18, 1],
      [18, 8],
      [9, 2],
      [36, 3],
    ] as const) {
      const fabric = { ...cluster.fabric, nodesPerRack, racksPerScalableUnit };
      expect(checkFabricRules({ ...cluster, fabric }, ['clusters', 1])).toEqual([]);
    }
  });

  it('rejects a capacity model it does not know, listing the known ones', () => {
    const problems = problemsAfter((doc) => (c1(doc).fabric.capacity = 'spot'));
    expect(problems).toEqual([
      expect.stringMatching(/^clusters\[colossus-1\]\.fabric\.capacity: .*on-demand-reservation.*capacity-block/),
    ]);
  });
});
