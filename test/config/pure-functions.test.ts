import { overlongAccountNames, tenantAccountNames } from '../../config/account-names';
import { cidrContains, cidrSubnet, cidrsOverlap, isCanonicalIpv4Cidr, parseIpv4Cidr } from '../../config/cidr';
import { gpusPerScalableUnit, nodesPerScalableUnit, scalableUnitSlots, clusterGpus } from '../../config/capacity';
import { loadConfig } from '../../config/load';
import { environmentJsonSchema } from '../../config/json-schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('cidr arithmetic', () => {
  it('parses canonical blocks and refuses host bits or garbage', () => {
    expect(parseIpv4Cidr('10.1.0.0/16')).toEqual({
      cidr: '10.1.0.0/16',
      start: 10 * 2 ** 24 + 2 ** 16,
      size: 65536,
      prefix: 16,
    });
    expect(isCanonicalIpv4Cidr('10.1.0.1/16')).toBe(false);
    expect(isCanonicalIpv4Cidr('10.1.0.0/33')).toBe(false);
    expect(isCanonicalIpv4Cidr('ten/8')).toBe(false);
  });

  it('decides containment and overlap at the edges', () => {
    expect(cidrContains('10.0.0.0/12', '10.15.255.0/24')).toBe(true);
    expect(cidrContains('10.0.0.0/12', '10.16.0.0/24')).toBe(false);
    expect(cidrsOverlap('10.0.0.0/16', '10.0.255.0/24')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/16', '10.1.0.0/16')).toBe(false);
  });

  it('carves subnets like Terraform cidrsubnet()', () => {
    expect(cidrSubnet('10.0.0.0/16', 4, 0)).toBe('10.0.0.0/20');
    expect(cidrSubnet('10.0.0.0/16', 4, 15)).toBe('10.0.240.0/20');
    expect(cidrSubnet('172.16.0.0/12', 8, 3)).toBe('172.16.48.0/20');
    expect(() => cidrSubnet('10.0.0.0/16', 4, 16)).toThrow('has no subnet number 16');
  });
});

describe('capacity arithmetic', () => {
  const prod = loadConfig({ environment: 'prod' });
  const [c1, c2] = prod.clusters;

  it('sizes scalable units from the fabric', () => {
    expect(nodesPerScalableUnit(c1!.fabric)).toBe(c1!.fabric.nodesPerRack * c1!.fabric.racksPerScalableUnit);
    expect(gpusPerScalableUnit(c2!.fabric)).toBe(
      c2!.fabric.gpusPerNode * c2!.fabric.nodesPerRack * c2!.fabric.racksPerScalableUnit,
    );
  });

  it('keeps prod at the scale the clusters are sold at', () => {
    // Colossus 1 is about 200,000 H100-class GPUs, Colossus 2 about 550,000 GB200-class GPUs.
    expect(clusterGpus(c1!)).toBeGreaterThan(190_000);
    expect(clusterGpus(c1!)).toBeLessThan(210_000);
    expect(clusterGpus(c2!)).toBeGreaterThan(540_000);
    expect(clusterGpus(c2!)).toBeLessThan(560_000);
    expect(c2!.fabric.gpusPerNode * c2!.fabric.nodesPerRack).toBe(72);
  });

  it('lays out every SU of a hall once, tenants first in config order, then spares', () => {
    for (const cluster of prod.clusters) {
      for (const hall of cluster.halls) {
        const slots = scalableUnitSlots(cluster, hall);
        expect(slots.map((s) => s.index)).toEqual([...Array(hall.scalableUnits).keys()]);
        for (const tenant of cluster.tenants) {
          const expected = tenant.allocations.find((a) => a.hall === hall.id)?.scalableUnits ?? 0;
          expect(slots.filter((s) => s.tenantId === tenant.id)).toHaveLength(expected);
        }
        const firstSpare = slots.findIndex((s) => s.tenantId === undefined);
        if (firstSpare >= 0) expect(slots.slice(firstSpare).every((s) => s.tenantId === undefined)).toBe(true);
      }
    }
  });
});

describe('editor JSON schema', () => {
  it('is committed and matches the zod schema (run npm run schema when this fails)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'config', 'environment.schema.json'), 'utf8');
    expect(committed).toBe(environmentJsonSchema());
  });
});

describe('account-wide tenant names', () => {
  it('builds the role, key alias and bucket names the tenancy stack creates', () => {
    expect(tenantAccountNames('prod', 'lab-alpha', '123456789012')).toEqual({
      role: 'prod-lab-alpha-tenant',
      keyAlias: 'prod-lab-alpha-data',
      bucket: 'prod-lab-alpha-data-123456789012',
    });
  });

  it('flags only the names over their AWS limits, at the limit is fine', () => {
    const atLimit = { role: 'r'.repeat(64), keyAlias: 'k'.repeat(250), bucket: 'b'.repeat(63) };
    expect(overlongAccountNames(atLimit)).toEqual([]);
    expect(overlongAccountNames({ ...atLimit, keyAlias: 'k'.repeat(251), bucket: 'b'.repeat(64) })).toEqual([
      { kind: 'keyAlias', name: 'k'.repeat(251), limit: 250 },
      { kind: 'bucket', name: 'b'.repeat(64), limit: 63 },
    ]);
  });
});
