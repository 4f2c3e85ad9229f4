import { Testing } from 'cdktf';
import { cduIds } from '../../config/cooling';
import { loadConfig } from '../../config/load';
import type { ClusterConfig, ColossusConfig } from '../../config/schema';
import { SEVERITIES } from '../../constructs/alerting/alert-topics';
import {
  COOLING_METRICS,
  COOLING_NAMESPACE,
  POWER_METRICS,
  POWER_NAMESPACE,
} from '../../constructs/alerting/facility-metrics';
import { AlertingStack } from '../../stacks/alerting-stack';
import { MonitoringStack } from '../../stacks/monitoring-stack';
import { alertingOutputs } from '../../stacks/outputs';
import { MAX_RESOURCES_PER_STACK, planStacks, stackName } from '../../stacks/sharding';
import { resourceCount, resourcesOf, synthStack, type SynthJson } from '../helpers/synth';

type Resource = Record<string, unknown>;

interface ClusterStacks {
  readonly cluster: ClusterConfig;
  readonly alerting: SynthJson;
  readonly halls: Map<string, SynthJson>;
}

/** Only this layer's stacks, so the tests do not depend on the rest of the environment. */
function synthMonitoring(config: ColossusConfig): ClusterStacks[] {
  const app = Testing.app();
  const env = config.environment.name;
  return config.clusters.map((cluster) => {
    const alertingName = stackName(env, cluster.id, 'alerting');
    const alerting = synthStack(new AlertingStack(app, alertingName, { config, cluster }));
    const halls = new Map(
      cluster.halls.map((hall) => [
        hall.id,
        synthStack(
          new MonitoringStack(app, stackName(env, cluster.id, 'monitoring', hall.id), {
            config,
            cluster,
            hall,
            alertingStack: alertingName,
          }),
        ),
      ]),
    );
    return { cluster, alerting, halls };
  });
}

const metricAlarms = (json: SynthJson): Resource[] => Object.values(resourcesOf(json, 'aws_cloudwatch_metric_alarm'));
const compositeAlarms = (json: SynthJson): Resource[] =>
  Object.values(resourcesOf(json, 'aws_cloudwatch_composite_alarm'));
const allAlarms = (json: SynthJson): Resource[] => [...metricAlarms(json), ...compositeAlarms(json)];

/** The five CDU signals and four feed signals the issue asks for, by metric name. */
const CDU_SIGNALS = Object.values(COOLING_METRICS);
const FEED_SIGNALS = [
  POWER_METRICS.loadPercent,
  POWER_METRICS.upsOnBattery,
  POWER_METRICS.batteryStateOfCharge,
  POWER_METRICS.breakerTripped,
];

describe.each(['dev', 'prod'])('%s monitoring', (name) => {
  const config = loadConfig({ environment: name });
  const clusters = synthMonitoring(config);

  it('plans an alerting stack per cluster and a monitoring stack per hall', () => {
    const names = planStacks(config).map((p) => p.name);
    for (const { cluster } of clusters) {
      expect(names).toContain(stackName(name, cluster.id, 'alerting'));
      for (const hall of cluster.halls) expect(names).toContain(stackName(name, cluster.id, 'monitoring', hall.id));
      // Topics first: the monitoring stacks read them.
      const alertingAt = names.indexOf(stackName(name, cluster.id, 'alerting'));
      for (const hall of cluster.halls) {
        expect(names.indexOf(stackName(name, cluster.id, 'monitoring', hall.id))).toBeGreaterThan(alertingAt);
      }
    }
  });

  it('has one set of alarms per CDU: every signal, with the cluster, hall and CDU as dimensions', () => {
    for (const { cluster, halls } of clusters) {
      for (const hall of cluster.halls) {
        const alarms = metricAlarms(halls.get(hall.id)!);
        const cdus = cduIds(cluster.cooling);
        const perCdu = alarms.length / cdus.length;
        expect(Number.isInteger(perCdu)).toBe(true);
        for (const cdu of cdus) {
          const mine = alarms.filter((a) => (a.dimensions as Record<string, string>).Cdu === cdu);
          expect(mine).toHaveLength(perCdu);
          for (const alarm of mine) {
            expect(alarm.namespace).toBe(COOLING_NAMESPACE);
            expect(alarm.dimensions).toEqual({ Cluster: cluster.id, Hall: hall.id, Cdu: cdu });
          }
          expect(new Set(mine.map((a) => a.metric_name))).toEqual(new Set(CDU_SIGNALS));
        }
        // One "out of service" composite per CDU, and one paging hall composite over them.
        const composites = compositeAlarms(halls.get(hall.id)!);
        expect(composites).toHaveLength(cdus.length + 1);
        const hallComposite = composites.find((c) => String(c.alarm_name).endsWith('-cooling-redundancy-lost'))!;
        expect(ruleChildren(halls.get(hall.id)!, hallComposite).sort()).toEqual(
          cdus.map((cdu) => `${config.environment.name}-${cluster.id}-${hall.id}-${cdu}-out-of-service`).sort(),
        );
        expect(hallComposite.alarm_actions).toEqual([
          `\${data.terraform_remote_state.alerting.outputs.${alertingOutputs.topicArn('page')}}`,
        ]);
      }
    }
  });

  it('uses the configured thresholds', () => {
    for (const { cluster, halls } of clusters) {
      const alarms = metricAlarms(halls.get(cluster.halls[0]!.id)!);
      const threshold = (suffix: string) =>
        new Set(alarms.filter((a) => String(a.alarm_name).endsWith(suffix)).map((a) => a.threshold));
      expect(threshold('supply-temp-warn')).toEqual(new Set([cluster.cooling.supply.warnC]));
      expect(threshold('supply-temp-critical')).toEqual(new Set([cluster.cooling.supply.criticalC]));
      expect(threshold('return-temp-warn')).toEqual(new Set([cluster.cooling.return.warnC]));
      expect(threshold('return-temp-critical')).toEqual(new Set([cluster.cooling.return.criticalC]));
      expect(threshold('flow-low')).toEqual(new Set([cluster.cooling.minFlowLpm]));
      expect(threshold('delta-t-high')).toEqual(new Set([cluster.cooling.maxDeltaTC]));
    }
  });

  it('has one set of alarms per power feed, and a paging "redundancy lost" composite over every feed', () => {
    for (const { cluster, alerting } of clusters) {
      const alarms = metricAlarms(alerting);
      const perFeed = alarms.length / cluster.power.feeds.length;
      expect(Number.isInteger(perFeed)).toBe(true);
      for (const feed of cluster.power.feeds) {
        const mine = alarms.filter((a) => (a.dimensions as Record<string, string>).Feed === feed.id);
        expect(mine).toHaveLength(perFeed);
        for (const alarm of mine) {
          expect(alarm.namespace).toBe(POWER_NAMESPACE);
          expect(alarm.dimensions).toEqual({ Cluster: cluster.id, Feed: feed.id });
        }
        expect(new Set(mine.map((a) => a.metric_name))).toEqual(new Set(FEED_SIGNALS));
      }
      const [composite, ...others] = compositeAlarms(alerting);
      expect(others).toHaveLength(0);
      const children = ruleChildren(alerting, composite!);
      for (const feed of cluster.power.feeds) {
        for (const signal of ['breaker-tripped', 'ups-on-battery', 'load-critical']) {
          expect(children).toContain(`${config.environment.name}-${cluster.id}-power-${feed.id}-${signal}`);
        }
      }
      expect(children).toHaveLength(3 * cluster.power.feeds.length);
      expect(composite!.alarm_actions).toEqual([`\${aws_sns_topic.${topicName(alerting, 'page')}.arn}`]);
    }
  });

  it('treats missing data as breaching on every alarm', () => {
    for (const { alerting, halls } of clusters) {
      for (const json of [alerting, ...halls.values()]) {
        for (const alarm of metricAlarms(json)) expect(alarm.treat_missing_data).toBe('breaching');
      }
    }
  });

  it('sends every alarm to a topic encrypted with a rotating key that CloudWatch may use', () => {
    for (const { alerting, halls } of clusters) {
      const topics = resourcesOf(alerting, 'aws_sns_topic');
      const [keyName, key] = Object.entries(resourcesOf(alerting, 'aws_kms_key'))[0]!;
      expect(key.enable_key_rotation).toBe(true);
      const policy = JSON.parse(String(key.policy)) as {
        Statement: { Principal?: { Service?: string }; Action: string[] }[];
      };
      const cloudwatch = policy.Statement.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(cloudwatch?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
      for (const topic of Object.values(topics)) expect(topic.kms_master_key_id).toBe(`\${aws_kms_key.${keyName}.arn}`);

      // In the alerting stack the actions reference the topics directly...
      const encrypted = new Set(Object.keys(topics).map((t) => `\${aws_sns_topic.${t}.arn}`));
      // ...and in the monitoring stacks through the alerting stack's outputs, which are those topics.
      const outputs = new Map(
        SEVERITIES.map((s) => [
          `\${data.terraform_remote_state.alerting.outputs.${alertingOutputs.topicArn(s)}}`,
          alerting.output?.[alertingOutputs.topicArn(s)]?.value,
        ]),
      );
      for (const value of outputs.values()) expect(encrypted.has(String(value))).toBe(true);
      const check = (json: SynthJson, allowed: Set<string>) => {
        for (const alarm of allAlarms(json)) {
          expect(alarm.actions_enabled).toBe(true);
          const actions = [...(alarm.alarm_actions as string[]), ...(alarm.ok_actions as string[])];
          expect(actions.length).toBeGreaterThan(0);
          for (const action of actions) expect(allowed.has(action)).toBe(true);
        }
      };
      check(alerting, encrypted);
      for (const json of halls.values()) check(json, new Set(outputs.keys()));
    }
  });

  it('has one dashboard per cluster showing power and cooling of every hall', () => {
    for (const { cluster, alerting } of clusters) {
      const dashboards = Object.values(resourcesOf(alerting, 'aws_cloudwatch_dashboard'));
      expect(dashboards).toHaveLength(1);
      const body = JSON.parse(String(dashboards[0]!.dashboard_body)) as {
        widgets: { properties: { title?: string } }[];
      };
      const titles = body.widgets.map((w) => w.properties.title ?? '');
      for (const hall of cluster.halls) {
        expect(titles).toContain(`${hall.id} power: feed load %`);
        expect(titles).toContain(`${hall.id} cooling: supply C`);
      }
    }
  });

  it(`keeps every stack of this layer under ${MAX_RESOURCES_PER_STACK} resources`, () => {
    for (const { alerting, halls } of clusters) {
      for (const json of [alerting, ...halls.values()])
        expect(resourceCount(json)).toBeLessThanOrEqual(MAX_RESOURCES_PER_STACK);
    }
  });
});

function topicName(json: SynthJson, severity: string): string {
  const found = Object.entries(resourcesOf(json, 'aws_sns_topic')).find(([, t]) =>
    String(t.name).endsWith(`-${severity}`),
  );
  if (!found) throw new Error(`no ${severity} topic`);
  return found[0];
}

/** The alarm names a composite rule watches, following Terraform references to their alarms. */
function ruleChildren(json: SynthJson, composite: Resource): string[] {
  const names: string[] = [];
  for (const [, inner] of String(composite.alarm_rule).matchAll(/ALARM\("([^"]+)"\)/g)) {
    const ref = /^\$\{(aws_cloudwatch_(?:metric|composite)_alarm)\.([^.]+)\.alarm_name\}$/.exec(inner!);
    names.push(ref ? String(resourcesOf(json, ref[1]!)[ref[2]!]?.alarm_name) : inner!);
  }
  return names;
}

describe('an environment on the AWS emulator', () => {
  const config = loadConfig({ environment: 'emulator' });
  const clusters = synthMonitoring(config);

  it('leaves out composite alarms only when it declares the gap, and keeps every metric alarm', () => {
    expect(config.environment.emulatorGaps).toContain('composite-alarms');
    for (const { cluster, alerting, halls } of clusters) {
      expect(compositeAlarms(alerting)).toHaveLength(0);
      expect(metricAlarms(alerting).length).toBeGreaterThanOrEqual(cluster.power.feeds.length * FEED_SIGNALS.length);
      for (const hall of cluster.halls) {
        const json = halls.get(hall.id)!;
        expect(compositeAlarms(json)).toHaveLength(0);
        expect(metricAlarms(json).length).toBeGreaterThanOrEqual(cluster.cooling.cdusPerHall * CDU_SIGNALS.length);
      }
    }
  });
});
