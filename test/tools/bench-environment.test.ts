import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import { planStacks } from '../../stacks/sharding';
import { runRatios, scaledEnvironment } from '../../tools/bench-environment';

describe('the benchmark scaled environment', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'colossus-bench-env-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a valid environment with twice prod SUs and halls, and the same tenants and contracts', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'prod.yaml'), 'utf8');
    const file = join(dir, 'prod-2x.yaml');
    writeFileSync(file, scaledEnvironment(text, 'prod-2x'));
    const prod = loadConfig({ environment: 'prod' });
    const scaled = loadConfig({ file });
    expect(scaled.environment.name).toBe('prod-2x');
    const sus = (c: typeof prod) => c.clusters.flatMap((k) => k.halls).reduce((n, h) => n + h.scalableUnits, 0);
    expect(sus(scaled)).toBe(2 * sus(prod));
    expect(scaled.clusters.map((c) => c.halls.length)).toEqual(prod.clusters.map((c) => 2 * c.halls.length));
    const contracts = (c: typeof prod) => c.clusters.flatMap((k) => k.tenants.map((t) => [t.id, t.contractedGpus]));
    expect(contracts(scaled)).toEqual(contracts(prod));
    // Every hall stack is there twice; the cluster-wide ones once.
    const layers = (c: typeof prod, layer: string) => planStacks(c).filter((p) => p.layer === layer).length;
    expect(layers(scaled, 'compute')).toBe(2 * layers(prod, 'compute'));
    expect(layers(scaled, 'network')).toBe(layers(prod, 'network'));
  });
});

describe('the linearity figure', () => {
  it('pairs each scaled run with the prod run made just before it', () => {
    // A machine slowing down over the runs: prod 6, 7, 9 s; the scaled runs just after, at twice each.
    expect(runRatios([12, 14, 18], [6, 7, 9])).toEqual([2, 2, 2]);
    // The runs of the bench that first showed the drift (prod 6.1 to 6.9 s while the machine slowed).
    expect(runRatios([12.2, 13.4, 13.9], [6.1, 6.2, 6.9])).toEqual([2, 2.161, 2.014]);
  });

  it('refuses runs that do not pair up', () => {
    expect(() => runRatios([1, 2], [1])).toThrow('runRatios needs as many scaled runs as prod runs (got 2 and 1)');
    expect(() => runRatios([], [])).toThrow('got 0 and 0');
  });
});
