import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodesPerScalableUnit } from '../../config/capacity';
import { loadConfig } from '../../config/load';
import { INSTANCE_TYPES } from '../../config/instance-types';
import type { ColossusConfig } from '../../config/schema';
import { reviewFromSynth, jsonReview } from '../../tools/review/build';
import { EXIT_DESTROYS, EXIT_OK, exitStatus, totalCounts, visibleChanges } from '../../tools/review/change-set';
import { changedCapacity } from '../../tools/review/domain';
import { renderMarkdown } from '../../tools/review/markdown';
import { synthToDir } from './helpers/synth-dir';
import { devVariant } from './helpers/variants';

/** Base/head reviews from real synth outputs of dev and of changed dev configs. */

const work = mkdtempSync(join(tmpdir(), 'review-synth-'));
const base = loadConfig({ environment: 'dev' });
const c1 = base.clusters[0]!;
const c2 = base.clusters[1]!;
const gpusPerSu = (cluster: ColossusConfig['clusters'][number]) =>
  nodesPerScalableUnit(cluster.fabric) * INSTANCE_TYPES[cluster.fabric.instanceType].gpus;
let baseDir: string;

function synth(name: string, config: ColossusConfig): string {
  return synthToDir(config, join(work, name));
}

beforeAll(() => {
  baseDir = synth('base', base);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('base against itself: nothing changes, exit 0', () => {
  const review = reviewFromSynth(baseDir, baseDir);
  const counts = totalCounts(review.changeSet);
  expect(counts.create + counts.update + counts.replace + counts.delete).toBe(0);
  expect(exitStatus(review.changeSet)).toBe(EXIT_OK);
  expect(renderMarkdown(review)).toContain('**Capacity:** no change to GPUs or scalable units.');
});

describe('add one scalable unit to a tenant (the spare SU of hall-a goes to it)', () => {
  const tenant = c1.tenants[0]!;
  const allocated = tenant.allocations[0]!.scalableUnits;
  let markdown: string;
  let review: ReturnType<typeof reviewFromSynth>;
  beforeAll(() => {
    const head = synth(
      'add-su',
      devVariant([[['clusters', 0, 'tenants', 0, 'allocations', 0, 'scalableUnits'], allocated + 1]]),
    );
    review = reviewFromSynth(baseDir, head);
    markdown = renderMarkdown(review);
  });

  test('says so in its first lines, the move from the spare pool first', () => {
    const firstLines = markdown.split('\n').slice(0, 10).join('\n');
    expect(firstLines).toContain(
      `capacity move: ${c1.id} / ${c1.halls[0]!.id} / \`su-00${allocated}\` moves from the spare pool to tenant \`${tenant.id}\` (${tenant.dataClassification}), ${gpusPerSu(c1)} GPUs`,
    );
    expect(firstLines).toContain(
      `tenant \`${tenant.id}\` gains 1 scalable unit (+${gpusPerSu(c1)} GPUs) in ${c1.id} / ${c1.halls[0]!.id}`,
    );
    const spare = c1.halls[0]!.scalableUnits - allocated;
    const lost = spare === 1 ? 'its only scalable unit' : '1 scalable unit';
    expect(firstLines).toContain(`the spare pool loses ${lost} (−${gpusPerSu(c1)} GPUs)`);
  });

  test('the capacity rows balance: the tenant gains what the spare pool gives', () => {
    const rows = changedCapacity(review.domain.capacity);
    expect(rows.map((r) => [r.tenant, r.unitsAfter - r.unitsBefore, r.gpusAfter - r.gpusBefore])).toEqual([
      [tenant.id, 1, gpusPerSu(c1)],
      ['unallocated', -1, -gpusPerSu(c1)],
    ]);
  });

  test("no capacity is destroyed: the reservation is retagged in place; only the emptied spare pool's health alarms go", () => {
    const reservation = review.domain.reservations.find((r) => r.after?.tenant === tenant.id);
    expect(reservation).toMatchObject({ action: 'update', before: { tenant: 'unallocated' } });
    // The cluster's only spare SU goes to the tenant, so the spare pool has no nodes left whose
    // GPU health to watch: its three node-health alarms leave the capacity stack, and the review
    // says so (exit status 2). Nothing else is deleted or replaced.
    const destroyed = review.changeSet.stacks.flatMap((s) =>
      s.changes.filter((c) => c.action === 'delete' || c.action === 'replace').map((c) => [s.name, c.type, c.action]),
    );
    expect(destroyed).toEqual(
      Array.from({ length: 3 }, () => [`dev-${c1.id}-capacity`, 'aws_cloudwatch_metric_alarm', 'delete']),
    );
    expect(exitStatus(review.changeSet)).toBe(EXIT_DESTROYS);
  });
});

describe('remove a tenant', () => {
  const tenant = c2.tenants[0]!;
  let review: ReturnType<typeof reviewFromSynth>;
  let markdown: string;
  beforeAll(() => {
    const head = synth('remove-tenant', devVariant([[['clusters', 1, 'tenants'], []]]));
    review = reviewFromSynth(baseDir, head);
    markdown = renderMarkdown(review);
  });

  test('its tenancy stack and resources are destroyed, and the exit status says so', () => {
    const tenancy = review.changeSet.stacks.find((s) => s.name === `dev-${c2.id}-tenancy`);
    expect(tenancy?.status).toBe('removed');
    expect(tenancy?.changes.every((c) => c.action === 'delete')).toBe(true);
    expect(exitStatus(review.changeSet)).toBe(EXIT_DESTROYS);
  });

  test('destroys come before the domain sections, with a reason', () => {
    const destroys = markdown.indexOf('### :warning: Destroys and replacements');
    expect(destroys).toBeGreaterThan(0);
    expect(destroys).toBeLessThan(markdown.indexOf('### GPUs and scalable units'));
    expect(markdown).toContain(`because its stack dev-${c2.id}-tenancy was removed`);
  });

  test('the tenant loses all its scalable units to the spare pool', () => {
    const units = tenant.allocations.reduce((n, a) => n + a.scalableUnits, 0);
    const all = units === 1 ? 'its only scalable unit' : `all ${units} scalable units`;
    expect(markdown).toContain(`tenant \`${tenant.id}\` loses ${all} (−${units * gpusPerSu(c2)} GPUs)`);
  });
});

test('change an alarm threshold: the alarm is listed as changed, with before and after', () => {
  const before = c1.power.loadWarnPercent;
  const after = before - 5;
  const review = reviewFromSynth(
    baseDir,
    synth('threshold', devVariant([[['clusters', 0, 'power', 'loadWarnPercent'], after]])),
  );
  const changed = review.domain.alarms.filter((a) => a.action === 'update');
  expect(changed.length).toBeGreaterThan(0);
  for (const alarm of changed) expect(alarm.settings).toContainEqual({ path: 'threshold', before, after });
  const markdown = renderMarkdown(review);
  expect(markdown).toContain(`\`threshold\` \`${before}\` → \`${after}\``);
  expect(exitStatus(review.changeSet)).toBe(EXIT_OK);
});

test('rename a tenant: its resources show as replacements, with the old address', () => {
  const old = c1.tenants[0]!.id;
  const renamed = `${old}-renamed`;
  const review = reviewFromSynth(
    baseDir,
    synth('rename', devVariant([[['clusters', 0, 'tenants', 0, 'id'], renamed]])),
  );
  const replaced = visibleChanges(review.changeSet.stacks.flatMap((s) => s.changes)).filter(
    (c) => c.action === 'replace',
  );
  const moved = replaced.filter((c) => c.previousAddress && c.previousAddress !== c.address);
  expect(moved.length).toBeGreaterThan(0);
  for (const change of moved) {
    expect(change.previousAddress).toContain(old);
    expect(change.reason).toContain('moved block');
  }
  expect(exitStatus(review.changeSet)).toBe(EXIT_DESTROYS);
  const markdown = renderMarkdown(review);
  expect(markdown).toContain('**replace**');
  expect(JSON.parse(jsonReview(review, EXIT_DESTROYS)).exitStatus).toBe(EXIT_DESTROYS);
});

test('base and head of different environments are refused, naming both', () => {
  const other = synth('other-env', devVariant([[['environment', 'name'], 'staging']]));
  expect(() => reviewFromSynth(baseDir, other)).toThrow(/base and head are different environments/);
  expect(() => reviewFromSynth(baseDir, other)).toThrow(/is environment dev, head .* is staging/);
});

test('a missing base directory, or a folder that is not a synth output, gets a clear error', () => {
  expect(() => reviewFromSynth(join(work, 'missing'), baseDir)).toThrow(/no base synth output at .*missing/);
  expect(() => reviewFromSynth(baseDir, work)).toThrow(/is not a synth output:\n {2}- .*manifest\.json is missing/);
});
