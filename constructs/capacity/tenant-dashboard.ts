import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';

export interface TenantDashboardProps {
  /** <env>-<cluster>-<tenant>-capacity */
  readonly name: string;
  readonly region: string;
  readonly tenant: string;
  /** The tenant's in-service nodes query (contract-query.ts inServiceNodesQuery). */
  readonly nodesQuery: string;
  readonly gpusPerNode: number;
  readonly contractedGpus: number;
  readonly allocatedGpus: number;
  readonly ticketThresholdGpus: number;
  /** Nodes below which a minute is bad (the contract in nodes). */
  readonly contractNodes: number;
  /** The SLO's error budget in minutes, for a 30-day month. */
  readonly budgetMinutes: number;
  readonly availabilityTarget: number;
  /** Each hall where the tenant has SUs: its spare nodes query, and one SU's nodes. */
  readonly halls: readonly { readonly id: string; readonly spareQuery: string; readonly nodesPerUnit: number }[];
  /** The tenant's capacity reservations' utilization (contract-query.ts reservationUtilizationQuery). */
  readonly reservationQuery: string;
  /** ARNs of every alarm that watches the tenant. */
  readonly alarmArns: readonly string[];
}

const WIDTH = 24;
const HALF = 12;
const HEIGHT = 6;
/** The most a Metrics Insights query can show ("Metrics Insights quotas", CloudWatch User Guide: two weeks). */
const RANGE = '-P14D';

type Widget = Record<string, unknown>;

/**
 * One dashboard per tenant: its alarms' states (the burn-rate alarms among them); running GPUs
 * against the contract, allocation and ticket lines; spare cover per hall; bad minutes with the
 * burn rate over the range; the error budget left; and its capacity reservations' utilization. Budget left
 * counts bad minutes from the start of the dashboard's range (14 days by default, the most a
 * Metrics Insights query can show): set the range to start on the 1st to read the month's budget.
 */
export class TenantDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: TenantDashboardProps) {
    super(scope, id);
    const widgets: Widget[] = [];
    let y = 0;
    const row = (height: number, ...items: { widget: Widget; width: number }[]): void => {
      let x = 0;
      for (const { widget, width } of items) {
        widgets.push({ ...widget, x, y, width, height });
        x += width;
      }
      y += height;
    };
    const metric = (title: string, metrics: unknown[], annotations: Widget[], extra: Widget = {}): Widget => ({
      type: 'metric',
      properties: {
        title,
        region: props.region,
        view: 'timeSeries',
        period: 60,
        metrics,
        annotations: { horizontal: annotations },
        ...extra,
      },
    });
    const query = (id: string, expression: string, label: string, visible = false) => [
      { expression, id, label, period: 60, visible },
    ];

    row(3, {
      widget: {
        type: 'alarm',
        properties: { title: `${props.tenant}: capacity, SLO and node health`, alarms: props.alarmArns },
      },
      width: WIDTH,
    });
    row(
      HEIGHT,
      {
        widget: metric(
          'Running GPUs against contract',
          [
            query('nodes', props.nodesQuery, 'nodes in service'),
            [{ expression: `nodes * ${props.gpusPerNode}`, id: 'gpus', label: 'running GPUs' }],
          ],
          [
            { label: 'contracted', value: props.contractedGpus, color: '#d62728' },
            { label: 'allocated minus one SU (ticket)', value: props.ticketThresholdGpus, color: '#ff7f0e' },
            { label: 'allocated', value: props.allocatedGpus, color: '#2ca02c' },
          ],
        ),
        width: HALF,
      },
      {
        widget: metric(
          'Spare nodes in service, per hall',
          props.halls.map((h, i) => query(`spare${i}`, h.spareQuery, `${h.id} spare nodes`, true)),
          props.halls.length > 0
            ? [{ label: 'one SU (the largest single loss)', value: props.halls[0]!.nodesPerUnit, color: '#ff7f0e' }]
            : [],
        ),
        width: HALF,
      },
    );
    const budgetLeft = `${Number(props.budgetMinutes.toFixed(3))} - RUNNING_SUM(bad)`;
    row(
      HEIGHT,
      {
        widget: metric(
          `Bad minutes (below ${props.contractNodes} nodes) and the burn rate over the range`,
          [
            query('nodes', props.nodesQuery, 'nodes in service'),
            [{ expression: `IF(nodes < ${props.contractNodes}, 1, 0)`, id: 'bad', label: 'bad minute' }],
            // Metric math has no sliding-window sum, so the rate is over the dashboard's range:
            // bad minutes so far over the budget those minutes allow (1 = spending exactly on budget).
            [
              {
                expression: `RUNNING_SUM(bad) / (RUNNING_SUM(bad * 0 + 1) * ${Number((1 - props.availabilityTarget).toPrecision(12))})`,
                id: 'burn',
                label: 'burn rate over the range (1 = on budget)',
                yAxis: 'right',
              },
            ],
          ],
          [{ label: 'on budget', value: 1, color: '#ff7f0e', yAxis: 'right' }],
        ),
        width: HALF,
      },
      {
        widget: metric(
          `Error budget left (minutes; ${(props.availabilityTarget * 100).toString()}% of a 30-day month is ${props.budgetMinutes.toFixed(1)})`,
          [
            query('nodes', props.nodesQuery, 'nodes in service'),
            [
              {
                expression: `IF(nodes < ${props.contractNodes}, 1, 0)`,
                id: 'bad',
                label: 'bad minute',
                visible: false,
              },
            ],
            [{ expression: budgetLeft, id: 'left', label: 'budget left since the range start' }],
          ],
          [{ label: 'budget spent', value: 0, color: '#d62728' }],
        ),
        width: HALF,
      },
    );

    row(HEIGHT, {
      widget: metric(
        'Capacity reservation utilization (%), per reservation',
        [query('reservations', props.reservationQuery, 'utilization', true)],
        [{ label: 'every reserved node running', value: 100, color: '#2ca02c' }],
      ),
      width: WIDTH,
    });

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.name,
      dashboardBody: JSON.stringify({ start: RANGE, periodOverride: 'inherit', widgets }),
    });
  }
}
