import { Testing } from 'cdktf';
import { loadConfig } from '../../../config/load';
import { capacityExpectation } from '../../../policy/capacity-expectations';
import type { RuleContext } from '../../../policy/model';
import { CapacityStack } from '../../../stacks/capacity-stack';
import { planStacks } from '../../../stacks/sharding';
import { resourcesOf, synthStack } from '../../helpers/synth';
import type { Resources } from '../../policy/fixtures';
import type { Benign, Canary } from './corpus';

/**
 * The capacity rules' canaries: dev colossus-1's capacity stack as synthesized, then one alarm
 * changed, deleted or doubled the way a hurried edit (or someone hiding a shortfall) would.
 */
const config = loadConfig({ environment: 'dev' });
const plan = planStacks(config).find((p) => p.layer === 'capacity' && p.cluster.id === 'colossus-1');
if (!plan || plan.layer !== 'capacity') throw new Error('dev colossus-1 has no capacity stack');
const json = synthStack(
  new CapacityStack(Testing.app(), plan.name, {
    config,
    cluster: plan.cluster,
    alertingStack: 'dev-colossus-1-alerting',
  }),
);
type Attrs = Record<string, unknown>;
const ALARMS = resourcesOf(json, 'aws_cloudwatch_metric_alarm') as Record<string, Attrs>;
const CONTEXT: RuleContext = {
  tenants: new Map(),
  expected: () => ({ capacity: capacityExpectation(config, plan.cluster) }),
};

/** The resource whose alarm name ends with the given suffix. */
function named(suffix: string): string {
  const found = Object.entries(ALARMS).find(([, a]) => String(a.alarm_name).endsWith(suffix));
  if (!found) throw new Error(`no alarm named *${suffix}`);
  return found[0];
}
function queryOf(a: Attrs): string {
  return String((a.metric_query as Attrs[])[0]!.expression);
}
/** Every alarm, one of them changed (or removed when change returns undefined). */
function withAlarm(
  suffix: string,
  change: (a: Attrs) => Attrs | undefined,
  extra: Record<string, Attrs> = {},
): Resources {
  const name = named(suffix);
  const alarms: Record<string, Attrs> = {};
  for (const [n, a] of Object.entries(ALARMS)) {
    const changed = n === name ? change(structuredClone(a)) : a;
    if (changed) alarms[n] = changed;
  }
  return { aws_cloudwatch_metric_alarm: { ...alarms, ...extra } };
}
const setQuery = (a: Attrs, q: string): Attrs => ({
  ...a,
  metric_query: [{ ...(a.metric_query as Attrs[])[0]!, expression: q }],
});
const CONTRACT = '-lab-alpha-below-contract';
const contract = ALARMS[named(CONTRACT)]!;

const canary = (rule: string, spelling: string, resources: Resources): Canary => ({
  rule,
  spelling,
  resources,
  context: CONTEXT,
});

export const CAPACITY_CANARIES: readonly Canary[] = [
  canary(
    'CLX-CAP-010',
    'the contract alarm deleted',
    withAlarm(CONTRACT, () => undefined),
  ),
  canary(
    'CLX-CAP-010',
    'the threshold one node under the contract',
    withAlarm(CONTRACT, (a) => ({ ...a, threshold: Number(a.threshold) - 1 })),
  ),
  canary(
    'CLX-CAP-010',
    "the query selecting another tenant's SUs",
    withAlarm(CONTRACT, (a) => setQuery(a, queryOf(a).replace("'lab-alpha'", "'lab-beta'"))),
  ),
  canary(
    'CLX-CAP-010',
    'an extra OR widening the selection',
    withAlarm(CONTRACT, (a) => setQuery(a, `${queryOf(a)} OR tag.tenant = 'unallocated'`)),
  ),
  canary(
    'CLX-CAP-010',
    'the query moved into a local the pack cannot evaluate',
    withAlarm(CONTRACT, (a) => setQuery(a, '${local.contract_query}')),
  ),
  canary(
    'CLX-CAP-010',
    'missing data not breaching (a tenant whose groups go silent looks fine)',
    withAlarm(CONTRACT, (a) => ({ ...a, treat_missing_data: 'notBreaching' })),
  ),
  canary(
    'CLX-CAP-010',
    'the page sent to the ticket topic',
    withAlarm(CONTRACT, (a) => ({
      ...a,
      alarm_actions: ['${data.terraform_remote_state.alerting.outputs.ticket_topic_arn}'],
    })),
  ),
  canary(
    'CLX-CAP-010',
    'actions disabled',
    withAlarm(CONTRACT, (a) => ({ ...a, actions_enabled: false })),
  ),
  canary(
    'CLX-CAP-011',
    'the spare-cover ticket deleted',
    withAlarm('-lab-alpha-spare-not-covering', () => undefined),
  ),
  canary(
    'CLX-CAP-012',
    'the slow burn window shortened to 2 hours',
    withAlarm('-lab-alpha-slo-slow-burn', (a) => ({ ...a, evaluation_periods: 120 })),
  ),
  canary(
    'CLX-CAP-012',
    'the fast burn needing twice the bad minutes',
    withAlarm('-lab-alpha-slo-fast-burn', (a) => ({ ...a, datapoints_to_alarm: 2 * Number(a.datapoints_to_alarm) })),
  ),
  canary(
    'CLX-CAP-013',
    "the spare-pool alarm counting a tenant's SUs instead of the spare ones",
    withAlarm('-hall-a-spare-pool-short', (a) => setQuery(a, queryOf(a).replace("'unallocated'", "'lab-alpha'"))),
  ),
  canary(
    'CLX-CAP-014',
    'the reservation alarm summing every reservation into one series',
    withAlarm('-hall-a-reservation-unplaced', (a) =>
      setQuery(a, queryOf(a).replace(' GROUP BY CapacityReservationId', '')),
    ),
  ),
  canary(
    'CLX-CAP-015',
    'the hot-GPU limit raised above config',
    withAlarm('-lab-alpha-gpu-hot', (a) => ({ ...a, threshold: Number(a.threshold) + 10 })),
  ),
  canary(
    'CLX-CAP-015',
    "the tenant's silent-GPU alarm reading the spare pool's namespace",
    withAlarm('-lab-alpha-gpus-silent', (a) => setQuery(a, queryOf(a).replace('/lab-alpha"', '/unallocated"'))),
  ),
  canary(
    'CLX-CAP-019',
    'a second alarm resource with the contract alarm name and a lower threshold (it overwrites the first)',
    withAlarm(CONTRACT, (a) => a, {
      shadow: { ...contract, threshold: 0 },
    }),
  ),
  canary(
    'CLX-CAP-019',
    'a SEARCH expression in a capacity alarm',
    withAlarm('-lab-alpha-gpu-hot', (a) =>
      setQuery(a, `SEARCH('{Colossus/GPU/dev/colossus-1/lab-alpha,ScalableUnit} MetricName="x"', 'Maximum', 60)`),
    ),
  ),
];

export const CAPACITY_BENIGN: readonly Benign[] = [
  {
    rules: ['CLX-CAP-010', 'CLX-CAP-011', 'CLX-CAP-012', 'CLX-CAP-013', 'CLX-CAP-014', 'CLX-CAP-015', 'CLX-CAP-019'],
    spelling: 'the capacity stack as synthesized',
    resources: { aws_cloudwatch_metric_alarm: ALARMS },
    context: CONTEXT,
  },
  {
    rules: ['CLX-CAP-010', 'CLX-CAP-019'],
    spelling: 'the contract alarm renamed and its description reworded (the rules read the query, not the name)',
    resources: withAlarm(CONTRACT, (a) => ({ ...a, alarm_name: 'lab-alpha-contract', alarm_description: 'renamed' })),
    context: CONTEXT,
  },
  {
    rules: ['CLX-CAP-010'],
    spelling: 'the page sent to a literal page topic ARN',
    resources: withAlarm(CONTRACT, (a) => ({
      ...a,
      alarm_actions: ['arn:aws:sns:us-east-1:111111111111:dev-colossus-1-page'],
    })),
    context: CONTEXT,
  },
];
