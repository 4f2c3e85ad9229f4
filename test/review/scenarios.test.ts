import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../config/load';
import { reviewFromSynth } from '../../tools/review/build';
import { renderMarkdown } from '../../tools/review/markdown';
import { synthToDir } from './helpers/synth-dir';

/**
 * The scenarios, each a change to the emulator environment file, reviewed as a pull
 * request is (synth diff of base and head). What the first screen says is asserted: the
 * dangerous change must be named before anything else. (The same changes planned against a
 * deployed emulator are not automated yet; see docs/reviewing.md.)
 */

const file = join(__dirname, '..', '..', 'config', 'environments', 'emulator.yaml');
type Edit = [path: (string | number)[], value: unknown];
const c = (...rest: (string | number)[]) => ['clusters', 0, ...rest];

function config(edits: Edit[]) {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const [path, value] of edits) {
    if (value === undefined) doc.deleteIn(path);
    else doc.setIn(path, value);
  }
  return parseConfig(doc.toString(), 'emulator-variant.yaml');
}

const work = mkdtempSync(join(tmpdir(), 'review-scenarios-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
// The emulator target keeps the S3 backend (offline synth uses local state); nothing is contacted.
const target = { kind: 'emulator' as const, endpoint: 'http://127.0.0.1:9' };
const synth = (edits: Edit[]) => synthToDir(config(edits), join(work, `s${(n += 1)}`), target);
/** The first screen of a review: its first 15 lines. */
const firstScreen = (base: string, head: string) =>
  renderMarkdown(reviewFromSynth(base, head)).split('\n').slice(0, 15).join('\n');

const baseEdits: Edit[] = [];
let base: string;
beforeAll(() => {
  base = synth(baseEdits);
});

test('inserting a tenant before the others, on the spare SU: a move from the spare pool, no other SU touched', () => {
  const alpha = config([]).clusters[0]!.tenants[0]!;
  const head = synth([
    [
      c('tenants'),
      [
        {
          id: 'lab-new',
          displayName: 'New lab',
          cidr: '10.5.0.0/20',
          allocations: [{ hall: 'hall-a', firstUnit: 1, scalableUnits: 1 }],
          contractedGpus: 16,
          dataClassification: 'restricted',
        },
        alpha,
      ],
    ],
  ]);
  const review = reviewFromSynth(base, head);
  expect(firstScreen(base, head)).toContain(
    '- capacity move: colossus-1 / hall-a / `su-001` moves from the spare pool to tenant `lab-new` (restricted), 16 GPUs',
  );
  const su0 = review.changeSet.stacks.flatMap((s) => s.changes).filter((ch) => ch.address.includes('su-000'));
  expect(su0.length).toBeGreaterThan(0);
  expect(su0.every((ch) => ch.action === 'no-op')).toBe(true);
});

test("changing a tenant's CIDR: the blocked subnet replacement is on the first screen, the VPC leads the destroys", () => {
  const head = synth([[c('tenants', 0, 'cidr'), '10.5.0.0/20']]);
  expect(firstScreen(base, head)).toMatch(
    /- blocked replacement: `aws_subnet\.[^`]+` in `emulator-colossus-1-tenancy`: AWS refuses/,
  );
  const markdown = renderMarkdown(reviewFromSynth(base, head));
  const lines = markdown.split('\n');
  const destroys = lines.findIndex((l) => l.startsWith('### :warning: Destroys and replacements'));
  expect(lines[destroys + 2]).toMatch(/^- \*\*replace\*\* `aws_vpc\./);
});

test('changing the backend key prefix: a state migration of every stack, first', () => {
  const head = synth([[['environment', 'backend', 'keyPrefix'], 'colossus-infra/emulator-v2']]);
  const screen = firstScreen(base, head);
  expect(screen).toMatch(
    /^- state migration: the backend of `emulator-colossus-1-network` changes \(`s3\.key` "colossus-infra\/emulator\/emulator-colossus-1-network\.tfstate" → "colossus-infra\/emulator-v2\/emulator-colossus-1-network\.tfstate"\)/m,
  );
});

test('changing default tags: every tagged resource changes, said first', () => {
  const head = synth([[['environment', 'tags', 'cost-center'], 'colossus-emulator-2']]);
  expect(firstScreen(base, head)).toMatch(
    /^- provider default tags of `emulator-colossus-1-network` change: every taggable resource of the stack is updated \(tags_all\), \d+ of them/m,
  );
});

test('adding SUs to a hall: new spare capacity, nothing destroyed', () => {
  const head = synth([
    [c('halls', 0, 'scalableUnits'), 3],
    [c('power', 'feeds', 0, 'capacityMw'), 0.4],
    [c('power', 'feeds', 1, 'capacityMw'), 0.4],
    [c('cooling', 'cduCapacityKw'), 400],
  ]);
  const screen = firstScreen(base, head);
  expect(screen).toContain('**Capacity:** the spare pool gains 1 scalable unit (+16 GPUs) in colossus-1 / hall-a.');
  expect(screen).toContain('**Destroys:** none.');
});

const hallB = { id: 'hall-b', availabilityZone: 'us-east-1b', scalableUnits: 1, fabricCidr: '10.1.1.0/24' };
const halls = (list: object[], ids: string[]): Edit[] => [
  [c('halls'), list],
  [c('power', 'feeds', 0, 'halls'), ids],
  [c('power', 'feeds', 1, 'halls'), ids],
  [c('power', 'feeds', 0, 'capacityMw'), 0.4],
  [c('power', 'feeds', 1, 'capacityMw'), 0.4],
];
const removedWarning = (stack: string) =>
  new RegExp(
    `- stack removed: \`${stack}\` leaves the app, and \`cdktf deploy\` does not destroy it: its [1-9]\\d* resources stay in AWS, unseen by every guard, until \`cdktf destroy ${stack}\` is run from the base commit`,
  );

test('removing a hall: its stacks leave the app, which deploy does not destroy, said first', () => {
  const hallA = config([]).clusters[0]!.halls[0]!;
  const twoHalls = synth(halls([hallA, hallB], ['hall-a', 'hall-b']));
  const oneHall = synth(halls([hallA], ['hall-a']));
  const screen = firstScreen(twoHalls, oneHall);
  expect(screen).toMatch(/\*\*:warning: Destroys:\*\* \d+ resources destroyed/);
  for (const stack of ['emulator-colossus-1-compute-hall-b', 'emulator-colossus-1-monitoring-hall-b']) {
    expect(screen).toMatch(removedWarning(stack));
  }
  // The emulator has no capacity reservations (an emulator gap): SUs are counted from their ASGs.
  expect(screen).toContain('the spare pool loses its only scalable unit (−16 GPUs) in colossus-1 / hall-b');
  // The per-stack table sits below the first screen now that the removals are warned of first.
  expect(renderMarkdown(reviewFromSynth(twoHalls, oneHall))).toMatch(
    /\| `emulator-colossus-1-compute-hall-b` \(stack removed\) \| 0 \| 0 \| 0 \| \*\*\d+\*\* \|/,
  );
});

test('renaming a hall is the same removal spelled another way: the stacks of the old id leave the app', () => {
  const hallA = config([]).clusters[0]!.halls[0]!;
  const before = synth(halls([hallA, hallB], ['hall-a', 'hall-b']));
  const renamed = synth(halls([hallA, { ...hallB, id: 'hall-c' }], ['hall-a', 'hall-c']));
  const screen = firstScreen(before, renamed);
  for (const stack of ['emulator-colossus-1-compute-hall-b', 'emulator-colossus-1-monitoring-hall-b']) {
    expect(screen).toMatch(removedWarning(stack));
  }
  // The new hall's stacks arrive, but that does not excuse the old ones.
  expect(screen).not.toMatch(/stack removed: `emulator-colossus-1-[a-z]+-hall-c`/);
});

test('adding a hall removes no stack: no false alarm', () => {
  const hallA = config([]).clusters[0]!.halls[0]!;
  const oneHall = synth(halls([hallA], ['hall-a']));
  const twoHalls = synth(halls([hallA, hallB], ['hall-a', 'hall-b']));
  expect(renderMarkdown(reviewFromSynth(oneHall, twoHalls))).not.toContain('stack removed');
});
