import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import { blastRadius, remoteStateStacks } from '../../tools/review/blast-radius';
import { reviewFromSynth } from '../../tools/review/build';
import type { ChangeSet, ResourceChange } from '../../tools/review/change-set';
import { UNKNOWN } from '../../tools/review/change-set';
import { byCause, renderMarkdown } from '../../tools/review/markdown';
import type { StackJson, SynthOutput } from '../../tools/review/synth-output';
import { synthToDir } from './helpers/synth-dir';
import { devVariant } from './helpers/variants';

/** Blast radius through terraform_remote_state, and destroys ordered by cause. */

const upstream: StackJson = {
  resource: {
    aws_subnet: { s: { vpc_id: 'v', cidr_block: '10.0.0.0/24' } },
    aws_s3_bucket: { b: { bucket: 'x' } },
  },
  output: { subnet_id: { value: '${aws_subnet.s.id}' }, bucket_arn: { value: '${aws_s3_bucket.b.arn}' } },
};
const downstream = (key: string): StackJson => ({
  data: { terraform_remote_state: { net: { config: { key } } } },
  resource: {
    aws_launch_template: {
      lt: { network_interfaces: [{ subnet_id: '${data.terraform_remote_state.net.outputs.subnet_id}' }] },
    },
    aws_iam_policy: { p: { policy: '${data.terraform_remote_state.net.outputs.bucket_arn}' } },
  },
});
const synth = (down: StackJson): SynthOutput => ({
  dir: 'x',
  environment: 'dev',
  stacks: new Map([
    ['dev-net', upstream],
    ['dev-compute', down],
  ]),
});
const change = (
  address: string,
  action: ResourceChange['action'],
  extra: Partial<ResourceChange> = {},
): ResourceChange => ({
  stack: 'dev-net',
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
const set = (...changes: ResourceChange[]): ChangeSet => ({
  source: 'synth',
  environment: 'dev',
  stacks: [{ name: 'dev-net', status: 'changed', changes }],
});

describe('blastRadius', () => {
  it('resolves a remote state to the stack its key or path names', () => {
    expect(remoteStateStacks(downstream('colossus/dev/dev-net.tfstate'), ['dev-net', 'dev-compute'])).toEqual(
      new Map([['net', 'dev-net']]),
    );
    expect(remoteStateStacks(downstream('colossus/dev/dev-network.tfstate'), ['dev-net'])).toEqual(
      new Map([['net', undefined]]),
    );
  });

  it('names the readers of a replaced subnet, and says the replacement is blocked while they hold it', () => {
    const [entry] = blastRadius(set(change('aws_subnet.s', 'replace')), synth(downstream('p/dev-net.tfstate')));
    expect(entry).toMatchObject({
      address: 'aws_subnet.s',
      outputs: ['subnet_id'],
      readers: [
        {
          stack: 'dev-compute',
          address: 'aws_launch_template.lt',
          attribute: 'network_interfaces',
          releasedInPlan: false,
        },
      ],
    });
    expect(entry!.blocked).toMatch(
      /^AWS refuses to delete a subnet while instances run in it \(EC2 DeleteSubnet\); 1 reader in dev-compute/,
    );
  });

  it('an update that leaves the exported attribute alone has no blast radius', () => {
    const tagsOnly = change('aws_s3_bucket.b', 'update', {
      attributes: [{ path: 'tags.x', before: 'a', after: 'b', sensitive: false, forcesReplacement: false }],
    });
    expect(blastRadius(set(tagsOnly), synth(downstream('dev-net.tfstate')))).toEqual([]);
  });

  it('an update of an exported attribute names its readers, not blocked', () => {
    const arn = change('aws_s3_bucket.b', 'update', {
      attributes: [{ path: 'arn', before: 'a', after: UNKNOWN, sensitive: false, forcesReplacement: false }],
    });
    const [entry] = blastRadius(set(arn), synth(downstream('dev-net.tfstate')));
    expect(entry).toMatchObject({ readers: [{ address: 'aws_iam_policy.p' }] });
    expect(entry!.blocked).toBeUndefined();
  });

  it('fails closed on a remote state it cannot tie to a stack', () => {
    const entries = blastRadius(set(change('aws_subnet.s', 'replace')), synth(downstream('p/dev-elsewhere.tfstate')));
    expect(entries).toEqual([
      expect.objectContaining({
        stack: 'dev-compute',
        address: 'data.terraform_remote_state.net',
        blocked: expect.stringMatching(/^the review cannot tell which stack the remote state net of dev-compute reads/),
      }),
    ]);
  });

  it('fails closed on a type it has no deletion facts for', () => {
    const [entry] = blastRadius(set(change('aws_s3_bucket.b', 'delete')), synth(downstream('dev-net.tfstate')));
    expect(entry!.blocked).toBe(
      'the review cannot tell whether AWS lets a aws_s3_bucket be destroyed while 1 reader in dev-compute use it: check before applying',
    );
  });
});

describe('byCause', () => {
  it('puts the resource whose own argument forces replacement first, then what follows from it', () => {
    const forced = (path: string, after: unknown) => [
      { path, before: 'a', after, sensitive: false, forcesReplacement: true },
    ];
    const vpc = change('aws_vpc.v', 'replace', { attributes: forced('cidr_block', '10.9.0.0/16') });
    const subnet = change('aws_subnet.a', 'replace', { causedBy: 'aws_vpc.v', attributes: forced('vpc_id', UNKNOWN) });
    const route = change('aws_route.a', 'replace', {
      causedBy: 'aws_subnet.a',
      attributes: forced('subnet_id', UNKNOWN),
    });
    const gone = change('aws_s3_bucket.z', 'delete');
    // Root causes first, the one that leads most changes first; then its followers by depth.
    expect(byCause([route, subnet, gone, vpc]).map((c) => c.address)).toEqual([
      'aws_vpc.v',
      'aws_s3_bucket.z',
      'aws_subnet.a',
      'aws_route.a',
    ]);
  });
});

describe('dev synth: change a tenant CIDR', () => {
  const work = mkdtempSync(join(tmpdir(), 'review-blast-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('lists the VPC first, names the compute readers of the tenant subnet, and flags the blocked replacement at the top', () => {
    const base = synthToDir(loadConfig({ environment: 'dev' }), join(work, 'base'));
    const head = synthToDir(devVariant([[['clusters', 0, 'tenants', 0, 'cidr'], '10.5.0.0/20']]), join(work, 'head'));
    const review = reviewFromSynth(base, head);
    const markdown = renderMarkdown(review);
    const lines = markdown.split('\n');
    const destroys = lines.findIndex((l) => l.startsWith('### :warning: Destroys and replacements'));
    expect(lines[destroys + 2]).toMatch(/^- \*\*replace\*\* `aws_vpc\.[^`]+` in `dev-colossus-1-tenancy`/);
    expect(lines[destroys + 3]).toContain('forced by `cidr_block`: `"10.4.0.0/20"` → `"10.5.0.0/20"`');
    const subnet = review.blast?.find((b) => b.address.startsWith('aws_subnet.'));
    expect(subnet?.readers.map((r) => r.stack)).toContain('dev-colossus-1-compute-hall-a');
    expect(subnet?.blocked).toContain('AWS refuses to delete a subnet while instances run in it');
    const firstScreen = lines.slice(0, 15).join('\n');
    expect(firstScreen).toMatch(/- blocked replacement: `aws_subnet\.[^`]+` in `dev-colossus-1-tenancy`: AWS refuses/);
    expect(markdown).toContain('### Blast radius across stacks');
  });
});
