import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { errorAnnotations } from '../../policy/gate';
import { buildStacks } from '../../stacks/build';

// A tenant may be named like a hall (ids are unique per kind, not across kinds). The compliance
// pack once took every resource of dev-colossus-1-compute-hall-a for tenant "hall-a", because the
// stack name ends in the hall id: 62 tagging errors on a valid environment.
describe('a tenant whose id equals a hall id', () => {
  const dev = parse(readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8')) as {
    clusters: { halls: { id: string }[]; tenants: { id: string }[] }[];
  };
  const cluster = dev.clusters[0]!;
  cluster.tenants[0]!.id = cluster.halls[0]!.id;
  const config = parseConfig(stringify(dev), 'dev-tenant-named-like-hall.yaml');

  it('is valid config and synthesizes with no compliance error', () => {
    const stacks = buildStacks(Testing.app(), config, { kind: 'offline' });
    for (const stack of stacks) Testing.synth(stack);
    expect(errorAnnotations(stacks)).toEqual([]);
  });
});
