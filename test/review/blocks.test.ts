import { changesDefaultTags, diffBlocks, isStateMigration } from '../../tools/review/blocks';
import { diffSynthOutputs } from '../../tools/review/synth-diff';
import type { StackJson, SynthOutput } from '../../tools/review/synth-output';
import { renderMarkdown } from '../../tools/review/markdown';
import { domainDeltas } from '../../tools/review/domain';
import type { SideReports } from '../../tools/review/reports';

/** Every non-resource block kind is diffed; the dangerous ones reach the first screen. */

const base: StackJson = {
  terraform: {
    backend: { s3: { bucket: 'state', key: 'colossus/dev/net.tfstate', region: 'us-east-1' } },
    required_providers: { aws: { source: 'aws', version: '5.100.0' } },
  },
  provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { environment: 'dev', owner: 'platform' } }] }] },
  data: { aws_region: { current: {} } },
  output: { 'vpc-id': { value: '${aws_vpc.main.id}' } },
  resource: {
    aws_vpc: { main: { cidr_block: '10.0.0.0/16', tags: { Name: 'main' } } },
    aws_route: { r: { route_table_id: 'x', destination_cidr_block: '0.0.0.0/0' } },
  },
};

type Edit = (s: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any -- Terraform JSON under test

function edited(edit: Edit): StackJson {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  edit(copy);
  return copy as StackJson;
}

const kindsAfter = (edit: Edit) => diffBlocks('net', base, edited(edit)).map((b) => [b.kind, b.address, b.action]);

describe('diffBlocks, one case per block kind', () => {
  it('finds nothing when nothing changes', () => {
    expect(
      diffBlocks(
        'net',
        base,
        edited(() => undefined),
      ),
    ).toEqual([]);
  });
  it('backend: a changed key is an update, flagged as a state migration', () => {
    const [change] = diffBlocks(
      'net',
      base,
      edited((s) => (s.terraform.backend.s3.key = 'other/dev/net.tfstate')),
    );
    expect(change).toMatchObject({ kind: 'backend', action: 'update' });
    expect(change!.attributes).toEqual([
      expect.objectContaining({ path: 's3.key', before: 'colossus/dev/net.tfstate', after: 'other/dev/net.tfstate' }),
    ]);
    expect(isStateMigration(change!)).toBe(true);
  });
  it('backend: local to s3 is a state migration too', () => {
    const [change] = diffBlocks(
      'net',
      base,
      edited((s) => (s.terraform.backend = { local: { path: 'x' } })),
    );
    expect(isStateMigration(change!)).toBe(true);
  });
  it('required providers', () => {
    expect(kindsAfter((s) => (s.terraform.required_providers.aws.version = '6.0.0'))).toEqual([
      ['required-providers', 'required_providers.aws', 'update'],
    ]);
  });
  it('provider configuration: default tags', () => {
    const [change] = diffBlocks(
      'net',
      base,
      edited((s) => (s.provider.aws[0].default_tags[0].tags.owner = 'other')),
    );
    expect(change).toMatchObject({ kind: 'provider', address: 'provider.aws', action: 'update' });
    expect(changesDefaultTags(change!)).toBe(true);
  });
  it('provider configuration: a second, aliased provider', () => {
    expect(kindsAfter((s) => s.provider.aws.push({ alias: 'west', region: 'us-west-2' }))).toEqual([
      ['provider', 'provider.aws.west', 'create'],
    ]);
  });
  it('data sources', () => {
    expect(kindsAfter((s) => (s.data.aws_region.current = { name: 'us-west-2' }))).toEqual([
      ['data', 'data.aws_region.current', 'update'],
    ]);
  });
  it('outputs', () => {
    expect(kindsAfter((s) => delete s.output['vpc-id'])).toEqual([['output', 'output.vpc-id', 'delete']]);
  });
  it('locals', () => {
    expect(kindsAfter((s) => (s.locals = { prefix: 'dev' }))).toEqual([['locals', 'locals.prefix', 'create']]);
  });
  it('moved, import and removed blocks', () => {
    expect(
      kindsAfter((s) => {
        s.moved = [{ from: 'aws_vpc.old', to: 'aws_vpc.main' }];
        s.import = [{ to: 'aws_vpc.main', id: 'vpc-123' }];
        s.removed = [{ from: 'aws_route.r', lifecycle: { destroy: false } }];
      }),
    ).toEqual([
      ['import', 'import[aws_vpc.main]', 'create'],
      ['moved', 'moved[aws_vpc.old -> aws_vpc.main]', 'create'],
      ['removed', 'removed[aws_route.r]', 'create'],
    ]);
  });
  it('a top-level block it does not model is reported as unknown, never dropped', () => {
    expect(kindsAfter((s) => (s.check = { c: {} }))).toEqual([['unknown', 'check', 'create']]);
  });
});

describe('the review of block changes', () => {
  const none = { available: false as const, reason: 'not in this test' };
  const reports: SideReports = { compliance: none, resilience: none, isolation: none };
  const output = (stack: StackJson): SynthOutput => ({
    dir: 'x',
    environment: 'dev',
    stacks: new Map([['dev-net', stack]]),
  });
  const review = (edit: Edit) => {
    const changeSet = diffSynthOutputs(output(base), output(edited(edit)));
    return {
      changeSet,
      markdown: renderMarkdown({
        changeSet,
        domain: domainDeltas(changeSet),
        reports: { base: reports, head: reports },
      }),
    };
  };

  it('puts a backend key change at the top as a state migration, with the resources at stake', () => {
    const { markdown } = review((s) => (s.terraform.backend.s3.key = 'other/dev/net.tfstate'));
    const top = markdown.split('\n').slice(0, 6).join('\n');
    expect(top).toContain(
      '- state migration: the backend of `dev-net` changes (`s3.key` "colossus/dev/net.tfstate" → "other/dev/net.tfstate"); without `terraform init -migrate-state` Terraform starts from empty state there and plans to create all 2 resources again',
    );
    expect(markdown).not.toContain('No stack changes.');
  });

  it('turns a default-tag change into tags_all updates of the resources that set tags, and says so first', () => {
    const { changeSet, markdown } = review((s) => (s.provider.aws[0].default_tags[0].tags.owner = 'other'));
    const vpc = changeSet.stacks[0]!.changes.find((c) => c.address === 'aws_vpc.main')!;
    expect(vpc.action).toBe('update');
    expect(vpc.attributes).toContainEqual(
      expect.objectContaining({ path: 'tags_all.owner', before: 'platform', after: 'other' }),
    );
    expect(markdown.split('\n').slice(0, 6).join('\n')).toContain(
      '- provider default tags of `dev-net` change: every taggable resource of the stack is updated (tags_all), 1 of them with tags of their own',
    );
  });

  it('lists an output removed, with no warning at the top (a benign change)', () => {
    const { markdown } = review((s) => delete s.output['vpc-id']);
    expect(markdown).not.toContain('Read first');
    expect(markdown).toContain('- **removed** output `output.vpc-id` in `dev-net`');
  });
});
