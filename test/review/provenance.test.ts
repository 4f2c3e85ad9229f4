import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import { reviewFromPlan, reviewFromPlanAgainstBase } from '../../tools/review/build';
import { renderMarkdown } from '../../tools/review/markdown';
import { synthHash } from '../../tools/review/provenance';

/** Plans carry the commit and synth hash they came from; the review refuses any other synth. */

const work = mkdtempSync(join(tmpdir(), 'review-provenance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = join(__dirname, 'fixtures', 'dev-colossus-1-network.plan.json');

/** A synth output with one stack, and plans/ beside it with an index naming a synth hash. */
function planned(name: string, stackJson: string, index: Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'stacks', 'dev-colossus-1-network'), { recursive: true });
  mkdirSync(join(dir, 'plans'), { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      stacks: { 'dev-colossus-1-network': { synthesizedStackPath: 'stacks/dev-colossus-1-network/cdk.tf.json' } },
    }),
  );
  writeFileSync(join(dir, 'stacks', 'dev-colossus-1-network', 'cdk.tf.json'), stackJson);
  copyFileSync(fixture, join(dir, 'plans', 'dev-colossus-1-network.json'));
  const hash = index.synthHash === 'this' ? synthHash(dir) : index.synthHash;
  writeFileSync(
    join(dir, 'plans', 'index.json'),
    JSON.stringify({
      environment: 'dev',
      target: 'offline',
      ...index,
      ...(hash ? { synthHash: hash } : {}),
      stacks: [{ name: 'dev-colossus-1-network', ok: true, file: 'dev-colossus-1-network.json' }],
    }),
  );
  return dir;
}

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ColossusError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

test('the synth hash follows every byte of every stack', () => {
  const a = planned('a', '{"resource":{}}', {});
  const b = planned('b', '{"resource":{} }', {});
  expect(synthHash(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(synthHash(a)).toBe(synthHash(planned('a2', '{"resource":{}}', {})));
  expect(synthHash(b)).not.toBe(synthHash(a));
});

test('plans that match the synth they sit in are reviewed, titled as creation-only when offline', () => {
  const dir = planned('match', '{}', { synthHash: 'this', commit: 'abc123' });
  const markdown = renderMarkdown(reviewFromPlan(dir));
  expect(markdown.split('\n')[1]).toBe('## Plan check (creation only, no state): `dev`');
  expect(markdown).toContain('**Not a review of changes.**');
  expect(markdown).toContain('Source: offline Terraform plan against empty state (target offline, commit abc123)');
});

test('plans from another synth are refused, naming both hashes and the commit', () => {
  const dir = planned('stale', '{}', { synthHash: 'sha256:0000', commit: 'abc123' });
  expect(refusal(() => reviewFromPlan(dir))).toMatch(
    /^plans do not match the synth output:\n {2}- .*plans was planned from synth sha256:0000 \(commit abc123\), but .* is sha256:[0-9a-f]{64}; the plans are stale or from another change: plan again$/,
  );
});

test('plans checked against a given synth output must carry a hash', () => {
  const dir = planned('nohash', '{}', {});
  expect(refusal(() => reviewFromPlan(join(dir, 'plans'), dir))).toMatch(/^plans of unknown origin:/);
  const other = planned('other', '{"x":1}', {});
  const good = planned('good', '{}', { synthHash: 'this' });
  expect(refusal(() => reviewFromPlan(good, other))).toMatch(/^plans do not match the synth output:/);
});

test('a plan against state, reviewed with its base synth, shows the backend change a plan cannot', () => {
  const backend = (key: string) => JSON.stringify({ terraform: { backend: { s3: { bucket: 'b', key } } } });
  const base = planned('base-side', backend('old/dev-colossus-1-network.tfstate'), {});
  const head = planned('head-side', backend('new/dev-colossus-1-network.tfstate'), {
    synthHash: 'this',
    target: 'emulator',
  });
  const markdown = renderMarkdown(reviewFromPlanAgainstBase(head, head, base));
  expect(markdown.split('\n')[1]).toBe('## Plan review: `dev`');
  expect(markdown).toContain('- state migration: the backend of `dev-colossus-1-network` changes (`s3.key`');
});

test('a stack whose plan failed keeps the synth diff prediction, and the source line says so', () => {
  const vpc = (cidr: string) => JSON.stringify({ resource: { aws_vpc: { v: { cidr_block: cidr } } } });
  const base = planned('base-pred', vpc('10.0.0.0/16'), {});
  const head = planned('head-pred', vpc('10.1.0.0/16'), { synthHash: 'this', target: 'emulator' });
  writeFileSync(
    join(head, 'plans', 'index.json'),
    JSON.stringify({
      environment: 'dev',
      target: 'emulator',
      synthHash: synthHash(head),
      stacks: [{ name: 'dev-colossus-1-network', ok: false, error: 'terraform plan failed: missing output' }],
    }),
  );
  const review = reviewFromPlanAgainstBase(head, head, base);
  const stack = review.changeSet.stacks.find((s) => s.name === 'dev-colossus-1-network');
  expect(stack?.changes.find((c) => c.address === 'aws_vpc.v')?.action).toBe('replace');
  const markdown = renderMarkdown(review);
  expect(markdown).toContain('predicted from the synth diff for dev-colossus-1-network (plan failed or stack removed)');
  expect(markdown).toContain('**Plan failed for `dev-colossus-1-network`**');
});
