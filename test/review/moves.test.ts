import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import type { ChangeSet, ResourceChange } from '../../tools/review/change-set';
import { reviewFromSynth } from '../../tools/review/build';
import { renderMarkdown } from '../../tools/review/markdown';
import { capacityMoves, sideTags } from '../../tools/review/moves';
import { synthToDir } from './helpers/synth-dir';
import { devVariant } from './helpers/variants';

/** The capacity-move detector: an SU whose tenant changes, named with both classifications. */

const tags = (tenant: string, classification: string) => ({
  tenant,
  'data-classification': classification,
  cluster: 'colossus-1',
  hall: 'hall-a',
  'scalable-unit': 'su-003',
});

function change(
  type: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  action: ResourceChange['action'] = 'update',
): ResourceChange {
  return {
    stack: 'dev-colossus-1-compute-hall-a',
    address: `${type}.su-003`,
    type,
    mode: 'managed',
    action,
    forcingAttributes: [],
    attributes: [],
    before,
    after,
  };
}

const set = (...changes: ResourceChange[]): ChangeSet => ({
  source: 'synth',
  environment: 'dev',
  stacks: [{ name: 'dev-colossus-1-compute-hall-a', status: 'changed', changes }],
});

describe('capacityMoves', () => {
  it('names hall, SU, both tenants, both classifications and the GPUs of a handed-over SU', () => {
    const moves = capacityMoves(
      set(
        change(
          'aws_launch_template',
          { instance_type: 'p5.48xlarge', tags: tags('lab-alpha', 'confidential') },
          { instance_type: 'p5.48xlarge', tags: tags('lab-beta', 'restricted') },
        ),
        change(
          'aws_autoscaling_group',
          {
            max_size: 2,
            tag: Object.entries(tags('lab-alpha', 'confidential')).map(([key, value]) => ({ key, value })),
          },
          { max_size: 2, tag: Object.entries(tags('lab-beta', 'restricted')).map(([key, value]) => ({ key, value })) },
        ),
      ),
    );
    expect(moves).toEqual([
      {
        stack: 'dev-colossus-1-compute-hall-a',
        cluster: 'colossus-1',
        hall: 'hall-a',
        unit: 'su-003',
        from: 'lab-alpha',
        to: 'lab-beta',
        fromClassification: 'confidential',
        toClassification: 'restricted',
        gpus: 16,
      },
    ]);
  });

  it('sees a move told only by an auto scaling group tag block (no reservation, no launch template)', () => {
    const asg = (tenant: string) => ({
      max_size: 2,
      tag: Object.entries(tags(tenant, 'internal')).map(([key, value]) => ({ key, value })),
    });
    const moves = capacityMoves(set(change('aws_autoscaling_group', asg('unallocated'), asg('lab-alpha'))));
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ from: 'unallocated', to: 'lab-alpha', fromClassification: 'spare', gpus: null });
  });

  it('counts an SU destroyed and re-created for another tenant as a move; a destroyed SU alone is not one', () => {
    const lt = (tenant: string) => ({ instance_type: 'p5.48xlarge', tags: tags(tenant, 'internal') });
    const gone = change('aws_launch_template', lt('lab-alpha'), null, 'delete');
    expect(capacityMoves(set(gone, change('aws_launch_template', null, lt('lab-beta'), 'create')))).toMatchObject([
      { unit: 'su-003', from: 'lab-alpha', to: 'lab-beta' },
    ]);
    expect(capacityMoves(set(gone))).toEqual([]);
  });

  it('ignores SUs whose tenant stays, and resources with no scalable-unit tag', () => {
    const lt = { instance_type: 'p5.48xlarge', tags: tags('lab-alpha', 'internal') };
    const other = { tags: { tenant: 'lab-alpha' } };
    expect(
      capacityMoves(
        set(
          change('aws_launch_template', lt, { ...lt, image_id: 'x' }),
          change('aws_vpc', other, { tags: { tenant: 'b' } }),
        ),
      ),
    ).toEqual([]);
  });

  it('reads tags from tags_all, tags and tag blocks', () => {
    expect(
      sideTags({ tags_all: { a: '1', b: '1' }, tags: { b: '2' }, tag: [{ key: 'c', value: '3' }, { key: 1 }] }),
    ).toEqual({ a: '1', b: '2', c: '3' });
  });
});

describe('dev synth: tenants inserted, and an SU handed over', () => {
  const work = mkdtempSync(join(tmpdir(), 'review-moves-'));
  const base = loadConfig({ environment: 'dev' });
  const alpha = base.clusters[0]!.tenants[0]!;
  const newTenant = {
    id: 'lab-new',
    displayName: 'New lab',
    cidr: '10.5.0.0/20',
    contractedGpus: 16,
    dataClassification: 'restricted',
  };
  let baseDir: string;
  beforeAll(() => {
    baseDir = synthToDir(base, join(work, 'base'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('inserting a tenant before lab-alpha on the spare SU changes none of lab-alpha’s SU resources', () => {
    const head = synthToDir(
      devVariant([
        [
          ['clusters', 0, 'tenants'],
          [
            { ...newTenant, allocations: [{ hall: 'hall-a', firstUnit: 1, scalableUnits: 1 }] },
            ...base.clusters[0]!.tenants,
          ],
        ],
      ]),
      join(work, 'insert'),
    );
    const review = reviewFromSynth(baseDir, head);
    const compute = review.changeSet.stacks.find((s) => s.name === 'dev-colossus-1-compute-hall-a')!;
    const su0 = compute.changes.filter((c) => c.address.includes('su-000'));
    expect(su0.length).toBeGreaterThan(0);
    expect(su0.every((c) => c.action === 'no-op')).toBe(true);
    expect(review.domain.moves.map((m) => [m.unit, m.from, m.to])).toEqual([['su-001', 'unallocated', 'lab-new']]);
  });

  it('handing lab-alpha’s running SU to a restricted tenant is the first thing the review says', () => {
    const head = synthToDir(
      devVariant([
        [
          ['clusters', 0, 'tenants'],
          [
            { ...newTenant, allocations: [{ hall: 'hall-a', firstUnit: 0, scalableUnits: 1 }] },
            { ...alpha, allocations: [{ hall: 'hall-a', firstUnit: 1, scalableUnits: 1 }] },
          ],
        ],
      ]),
      join(work, 'handover'),
    );
    const markdown = renderMarkdown(reviewFromSynth(baseDir, head));
    const lines = markdown.split('\n');
    const firstWarning = lines.findIndex((l) => l.startsWith('- '));
    expect(firstWarning).toBeLessThan(6);
    expect(lines[firstWarning]).toBe(
      '- capacity move: colossus-1 / hall-a / `su-000` moves from tenant `lab-alpha` (confidential) to tenant `lab-new` (restricted), 16 GPUs',
    );
    expect(lines[firstWarning + 1]).toBe(
      '- capacity move: colossus-1 / hall-a / `su-001` moves from the spare pool to tenant `lab-alpha` (confidential), 16 GPUs',
    );
  });
});
