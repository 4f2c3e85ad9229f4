import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import type { ResourceChange, StackChange } from '../../tools/review/change-set';
import type { PlanIndex } from '../../tools/review/plan-json';
import { mergePlanDirs, mergePlanIndexes } from '../../tools/pipeline/plans';
import { blockedDestroys } from '../../tools/pipeline/gate';
import { driftMarker, driftReport } from '../../tools/pipeline/drift';

/** The per-job logic of the workflows: merging plan jobs, the deploy gate, the drift issue. */

const index = (stacks: string[], extra: Partial<PlanIndex> = {}): PlanIndex => ({
  environment: 'staging',
  target: 'aws',
  commit: 'abc',
  synthHash: 'sha256:1',
  stacks: stacks.map((name) => ({ name, ok: true, file: `${name}.json` })),
  ...extra,
});

const change = (
  address: string,
  action: ResourceChange['action'],
  extra: Partial<ResourceChange> = {},
): ResourceChange => ({
  stack: 's',
  address,
  type: address.split('.')[0]!,
  mode: 'managed',
  action,
  forcingAttributes: [],
  attributes: [],
  before: {},
  after: {},
  ...extra,
});
const stack = (name: string, ...changes: ResourceChange[]): StackChange => ({ name, status: 'changed', changes });

describe('mergePlanIndexes', () => {
  it('joins the stacks of plan jobs of one synth', () => {
    const merged = mergePlanIndexes([
      { from: 'a', index: index(['s-b']) },
      { from: 'b', index: index(['s-a']) },
    ]);
    expect(merged.stacks.map((s) => s.name)).toEqual(['s-a', 's-b']);
    expect(merged.synthHash).toBe('sha256:1');
  });

  it('refuses plans of another synth or commit, and a stack planned twice', () => {
    const fail = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        if (e instanceof ColossusError) return e.message;
      }
      return 'no error';
    };
    expect(
      fail(() =>
        mergePlanIndexes([
          { from: 'a', index: index(['x']) },
          { from: 'b', index: index(['y'], { synthHash: 'sha256:2' }) },
        ]),
      ),
    ).toContain('b: synthHash is sha256:2, but a has sha256:1');
    expect(
      fail(() =>
        mergePlanIndexes([
          { from: 'a', index: index(['x']) },
          { from: 'b', index: index(['y'], { commit: 'def' }) },
        ]),
      ),
    ).toContain('b: commit is def');
    expect(
      fail(() =>
        mergePlanIndexes([
          { from: 'a', index: index(['x']) },
          { from: 'b', index: index(['x']) },
        ]),
      ),
    ).toContain('stack x was planned twice');
  });

  it('copies each job’s plan files beside the merged index', () => {
    const root = mkdtempSync(join(tmpdir(), 'colossus-merge-'));
    try {
      for (const name of ['a', 'b']) {
        mkdirSync(join(root, name, 'plans'), { recursive: true });
        writeFileSync(join(root, name, 'plans', 'index.json'), JSON.stringify(index([`s-${name}`])));
        writeFileSync(join(root, name, 'plans', `s-${name}.json`), '{}');
      }
      mergePlanDirs([join(root, 'a'), join(root, 'b')], join(root, 'all'));
      const merged = JSON.parse(readFileSync(join(root, 'all', 'index.json'), 'utf8')) as PlanIndex;
      expect(merged.stacks.map((s) => s.name)).toEqual(['s-a', 's-b']);
      expect(readFileSync(join(root, 'all', 's-b.json'), 'utf8')).toBe('{}');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('blockedDestroys', () => {
  const synth = {
    resource: {
      aws_sns_topic: { t: { lifecycle: { prevent_destroy: true } } },
      aws_subnet: { n: {} },
    },
  };

  it('stops a destroy or replacement of a stateful type, even with its protection dropped', () => {
    expect(
      blockedDestroys(stack('s', change('aws_kms_key.k', 'replace'), change('aws_s3_bucket.b', 'delete')), {}),
    ).toEqual([
      expect.objectContaining({ address: 'aws_kms_key.k', action: 'replace' }),
      expect.objectContaining({ address: 'aws_s3_bucket.b', action: 'delete' }),
    ]);
  });

  it('stops a destroy of anything synthesized with prevent_destroy', () => {
    expect(blockedDestroys(stack('s', change('aws_sns_topic.t', 'delete')), synth)).toEqual([
      expect.objectContaining({ why: 'it is synthesized with prevent_destroy' }),
    ]);
  });

  it('lets through updates, creates, and destroys of unprotected resources', () => {
    expect(
      blockedDestroys(
        stack(
          's',
          change('aws_kms_key.k', 'update'),
          change('aws_s3_bucket.b', 'create'),
          change('aws_subnet.n', 'replace'),
        ),
        synth,
      ),
    ).toEqual([]);
  });
});

describe('driftReport', () => {
  it('names the drifted stacks and what differs, and stays open', () => {
    const report = driftReport({
      environment: 'staging',
      stacks: [
        stack(
          'staging-net',
          change('aws_vpc.v', 'update', {
            attributes: [{ path: 'tags.owner', sensitive: false, forcesReplacement: false }],
          }),
        ),
        stack('staging-alr', change('aws_sns_topic.t', 'no-op')),
      ],
      failed: [],
    });
    expect(report.open).toBe(true);
    expect(report.drifted).toEqual(['staging-net']);
    expect(report.body).toContain(driftMarker('staging'));
    expect(report.body).toContain('1 of 2 stacks differ from the code');
    expect(report.body).toContain('- `aws_vpc.v`: update (tags.owner)');
    expect(report.body).not.toContain('staging-alr');
  });

  it('keeps the issue open when a stack could not be planned', () => {
    const report = driftReport({
      environment: 'prod',
      stacks: [],
      failed: [{ name: 'prod-x', error: 'AccessDenied\nmore' }],
    });
    expect(report).toMatchObject({ open: true, drifted: [] });
    expect(report.body).toContain('- prod-x: AccessDenied');
  });

  it('says there is no drift, so the issue can be closed', () => {
    const report = driftReport({
      environment: 'prod',
      stacks: [stack('prod-a', change('aws_vpc.v', 'no-op'))],
      failed: [],
    });
    expect(report.open).toBe(false);
    expect(report.body).toContain('No drift');
  });
});
