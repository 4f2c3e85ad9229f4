import type { StackJson, SynthOutput } from '../../tools/review/synth-output';
import { changedStacks } from '../../tools/pipeline/changes';
import { stackGraph } from '../../tools/pipeline/graph';

/**
 * Changed stacks from two synth outputs: the stacks whose configuration changes, and every
 * stack downstream of an output whose value changes, followed across stacks to a fixed point.
 */

const backend = (stack: string) => ({ s3: { bucket: 'state', key: `p/${stack}.tfstate` } });
const remote = (...stacks: string[]) => ({
  terraform_remote_state: Object.fromEntries(stacks.map((s) => [s, { config: { key: `p/e-${s}.tfstate` } }])),
});
const tags = (extra: Record<string, string> = {}) => ({
  aws: [{ default_tags: [{ tags: { environment: 'e', ...extra } }] }],
});

interface Knobs {
  vpcCidr?: string;
  netTags?: Record<string, string>;
  vpcOutput?: string;
  alarmName?: string;
  withOld?: boolean;
  readerType?: string;
}

function output(k: Knobs = {}): SynthOutput {
  const net: StackJson = {
    provider: tags(k.netTags),
    terraform: { backend: backend('e-net') },
    resource: { aws_vpc: { v: { cidr_block: k.vpcCidr ?? '10.0.0.0/16', tags: { name: 'v' } } } },
    output: { vpc_id: { value: k.vpcOutput ?? '${aws_vpc.v.id}' } },
  };
  const ten: StackJson = {
    provider: tags(),
    terraform: { backend: backend('e-ten') },
    data: remote('net'),
    resource: {
      [k.readerType ?? 'aws_subnet']: {
        t: { vpc_id: '${data.terraform_remote_state.net.outputs.vpc_id}', cidr_block: '10.0.1.0/24' },
      },
    },
    output: { subnet_id: { value: `\${${k.readerType ?? 'aws_subnet'}.t.id}` } },
  };
  const cmp: StackJson = {
    provider: tags(),
    terraform: { backend: backend('e-cmp') },
    data: remote('ten'),
    resource: {
      aws_launch_template: {
        lt: { network_interfaces: [{ subnet_id: '${data.terraform_remote_state.ten.outputs.subnet_id}' }] },
      },
    },
  };
  const alr: StackJson = {
    provider: tags(),
    terraform: { backend: backend('e-alr') },
    resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: k.alarmName ?? 'a' } } },
  };
  const stacks: [string, StackJson][] = [
    ['e-net', net],
    ['e-ten', ten],
    ['e-cmp', cmp],
    ['e-alr', alr],
  ];
  if (k.withOld) stacks.push(['e-old', { provider: tags(), terraform: { backend: backend('e-old') } }]);
  return { dir: 'x', environment: 'e', stacks: new Map(stacks) };
}

const changed = (base: SynthOutput, head: SynthOutput) => {
  const result = changedStacks(base, head, stackGraph(head));
  return { ...result, names: result.changed.map((c) => c.name) };
};

describe('changedStacks', () => {
  it('finds nothing when nothing changes', () => {
    expect(changed(output(), output())).toMatchObject({ names: [], removed: [] });
  });

  it('keeps a change that no other stack reads to its own stack', () => {
    const result = changed(output(), output({ alarmName: 'b' }));
    expect(result.names).toEqual(['e-alr']);
    expect(result.changed[0]).toMatchObject({ direct: true, reasons: ['1 resource change (1 replace)'] });
  });

  it('does not follow a default-tags change: no exported value changes', () => {
    const result = changed(output(), output({ netTags: { team: 'x' } }));
    expect(result.names).toEqual(['e-net']);
    expect(result.changed[0]?.reasons).toEqual(['1 resource change (1 update)', 'blocks change: provider.aws']);
  });

  it('follows a replaced VPC to its reader, whose replaced subnet reaches the next stack', () => {
    const result = changed(output(), output({ vpcCidr: '10.1.0.0/16' }));
    expect(result.names).toEqual(['e-cmp', 'e-net', 'e-ten']);
    const byName = new Map(result.changed.map((c) => [c.name, c]));
    expect(byName.get('e-ten')).toEqual({
      name: 'e-ten',
      direct: false,
      reasons: ['reads vpc_id of e-net, which changes'],
    });
    expect(byName.get('e-cmp')?.reasons).toEqual(['reads subnet_id of e-ten, which changes']);
  });

  it('follows an output pointed at another attribute to its readers', () => {
    expect(changed(output(), output({ vpcOutput: '${aws_vpc.v.arn}' })).names).toEqual(['e-cmp', 'e-net', 'e-ten']);
  });

  it('assumes a reader of a type it cannot predict is replaced, and follows it', () => {
    const base = output({ readerType: 'aws_unknown_thing' });
    expect(changed(base, output({ readerType: 'aws_unknown_thing', vpcCidr: '10.1.0.0/16' })).names).toEqual([
      'e-cmp',
      'e-net',
      'e-ten',
    ]);
  });

  it('includes a stack that reads a changed output outside a resource, and everything after it', () => {
    const withLocals = (k: Knobs): SynthOutput => {
      const o = output(k);
      const stacks = new Map(o.stacks);
      stacks.set('e-loc', {
        provider: tags(),
        terraform: { backend: backend('e-loc') },
        data: remote('net'),
        locals: { v: '${data.terraform_remote_state.net.outputs.vpc_id}' },
        output: { x: { value: 'fixed' } },
      });
      stacks.set('e-after', { provider: tags(), terraform: { backend: backend('e-after') }, data: remote('loc') });
      return { ...o, stacks };
    };
    const result = changed(withLocals({}), withLocals({ vpcCidr: '10.1.0.0/16' }));
    expect(result.names).toEqual(['e-after', 'e-cmp', 'e-loc', 'e-net', 'e-ten']);
    expect(result.changed.find((c) => c.name === 'e-after')?.reasons).toEqual([
      'follows e-loc, which reads a changed output outside a resource',
    ]);
  });

  it('lists a removed stack apart: nothing plans it', () => {
    const result = changed(output({ withOld: true }), output());
    expect(result.names).toEqual([]);
    expect(result.removed).toEqual(['e-old']);
  });

  it('marks a new stack', () => {
    expect(changed(output(), output({ withOld: true })).changed).toEqual([
      { name: 'e-old', direct: true, reasons: ['new stack'] },
    ]);
  });
});
