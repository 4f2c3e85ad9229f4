import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { COOLING_METRICS, COOLING_NAMESPACE, POWER_METRICS, POWER_NAMESPACE } from './facility-metrics';

export interface DashboardHall {
  readonly id: string;
  readonly feedIds: readonly string[];
  readonly coolingAlarmArn: string;
}

export interface FacilityDashboardProps {
  readonly name: string;
  readonly region: string;
  readonly clusterId: string;
  readonly powerAlarmArn: string;
  readonly halls: readonly DashboardHall[];
  readonly loadWarnPercent: number;
  readonly loadCriticalPercent: number;
  readonly supplyCriticalC: number;
  readonly returnCriticalC: number;
  readonly minFlowLpm: number;
}

const WIDTH = 24;
const HEIGHT = 6;

type Widget = Record<string, unknown>;

/**
 * One dashboard per cluster: redundancy status on top, then a row per hall with its feeds'
 * load and the hall's CDUs. CDU graphs use SEARCH, so a hall of 50 CDUs is one line per
 * CDU without listing them, and a CDU added later shows up by itself.
 */
export class FacilityDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: FacilityDashboardProps) {
    super(scope, id);
    const widgets: Widget[] = [];
    let y = 0;
    const place = (widget: Widget, x: number, width: number, height = HEIGHT): void => {
      widgets.push({ ...widget, x, y, width, height });
    };

    place(
      {
        type: 'alarm',
        properties: {
          title: `${props.clusterId}: power and cooling redundancy`,
          alarms: [props.powerAlarmArn, ...props.halls.map((h) => h.coolingAlarmArn)],
        },
      },
      0,
      WIDTH,
      3,
    );
    y += 3;

    const search = (metric: string, hall: string, stat: string): string =>
      `SEARCH('{${COOLING_NAMESPACE},Cluster,Hall,Cdu} MetricName="${metric}" Cluster="${props.clusterId}" Hall="${hall}"', '${stat}', 60)`;
    const graph = (title: string, metrics: unknown[], annotations: { label: string; value: number }[] = []) => ({
      type: 'metric',
      properties: {
        title,
        region: props.region,
        view: 'timeSeries',
        stat: 'Maximum',
        period: 60,
        metrics,
        annotations: { horizontal: annotations },
      },
    });

    for (const hall of props.halls) {
      place({ type: 'text', properties: { markdown: `## ${props.clusterId} ${hall.id}` } }, 0, WIDTH, 1);
      y += 1;
      place(
        graph(
          `${hall.id} power: feed load %`,
          hall.feedIds.map((feed) => [
            POWER_NAMESPACE,
            POWER_METRICS.loadPercent,
            'Cluster',
            props.clusterId,
            'Feed',
            feed,
          ]),
          [
            { label: 'warn', value: props.loadWarnPercent },
            { label: 'critical', value: props.loadCriticalPercent },
          ],
        ),
        0,
        8,
      );
      place(
        graph(`${hall.id} power: IT load kW`, [
          [POWER_NAMESPACE, POWER_METRICS.hallItLoadKw, 'Cluster', props.clusterId, 'Hall', hall.id],
        ]),
        8,
        8,
      );
      place(
        graph(
          `${hall.id} cooling: supply C`,
          [[{ expression: search(COOLING_METRICS.supplyTemperature, hall.id, 'Maximum'), id: 'supply' }]],
          [{ label: 'critical', value: props.supplyCriticalC }],
        ),
        16,
        8,
      );
      y += HEIGHT;
      place(
        graph(
          `${hall.id} cooling: return C`,
          [[{ expression: search(COOLING_METRICS.returnTemperature, hall.id, 'Maximum'), id: 'return' }]],
          [{ label: 'critical', value: props.returnCriticalC }],
        ),
        0,
        8,
      );
      place(
        graph(
          `${hall.id} cooling: flow L/min`,
          [[{ expression: search(COOLING_METRICS.flowRate, hall.id, 'Minimum'), id: 'flow' }]],
          [{ label: 'minimum', value: props.minFlowLpm }],
        ),
        8,
        8,
      );
      place(
        graph(`${hall.id} cooling: delta-T C`, [
          [{ expression: search(COOLING_METRICS.deltaT, hall.id, 'Maximum'), id: 'deltat' }],
        ]),
        16,
        8,
      );
      y += HEIGHT;
    }

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.name,
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}
