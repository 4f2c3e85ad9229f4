import { Testing, TerraformStack } from 'cdktf';
import { tenantCapacity } from '../../config/capacity';
import { loadConfig } from '../../config/load';
import { inServiceNodesQuery, nodesBelow, selectedBy, selectorOf } from '../../constructs/capacity/contract-query';
import { TenantContractAlarms } from '../../constructs/capacity/tenant-contract-alarms';
import { evaluateLimits, measureStacks } from '../../policy/cloudwatch-limits/check';
import { tagsOf } from '../../policy/isolation/references';
import { placeUnits, tenantUnits } from '../../stacks/capacity-units';
import { resourcesOf, synthEnvironment, synthStack } from '../helpers/synth';

const TOPICS = { page: 'arn:aws:sns:us-east-1:111111111111:page', ticket: 'arn:aws:sns:us-east-1:111111111111:ticket' };

describe('the tenant capacity query', () => {
  it('sums in-service instances of the ASGs tagged with the environment, cluster and tenant', () => {
    expect(inServiceNodesQuery({ environment: 'prod', cluster: 'colossus-1', tenant: 'lab-alpha' })).toBe(
      `SELECT SUM(GroupInServiceInstances) FROM SCHEMA("AWS/AutoScaling", AutoScalingGroupName) WHERE tag.environment = 'prod' AND tag.cluster = 'colossus-1' AND tag.tenant = 'lab-alpha'`,
    );
  });

  it('reads its predicates back, quotes escaped, and matches only resources carrying all of them', () => {
    const selector = { environment: "it's", cluster: 'c\\1', tenant: 't' };
    const predicates = selectorOf(inServiceNodesQuery(selector));
    expect(predicates).toEqual(selector);
    expect(selectedBy(predicates, { ...selector, hall: 'x' })).toBe(true);
    expect(selectedBy(predicates, { ...selector, tenant: 'u' })).toBe(false);
    expect(selectedBy(predicates, { environment: "it's", cluster: 'c\\1' })).toBe(false);
  });

  it('turns a GPU threshold into the node threshold that fires exactly when GPUs fall below it', () => {
    const wrong: string[] = [];
    for (const gpusPerNode of [4, 8]) {
      for (let gpus = 1; gpus <= 100; gpus += 1) {
        for (let nodes = 0; nodes <= 30; nodes += 1) {
          if (nodes < nodesBelow(gpus, gpusPerNode) !== nodes * gpusPerNode < gpus)
            wrong.push(`${nodes}x${gpusPerNode}<${gpus}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('TenantContractAlarms', () => {
  const prod = loadConfig({ environment: 'prod' });

  function alarmsFor(environment: string) {
    const config = environment === 'prod' ? prod : loadConfig({ environment });
    const app = Testing.app();
    const stack = new TerraformStack(app, `${environment}-capacity`);
    const built = config.clusters.flatMap((cluster) =>
      cluster.tenants.map((tenant) => {
        const capacity = tenantCapacity(cluster, tenant);
        const alarms = new TenantContractAlarms(stack, `${cluster.id}-${tenant.id}`, {
          namePrefix: `${environment}-${cluster.id}-${tenant.id}`,
          selector: { environment, cluster: cluster.id, tenant: tenant.id },
          gpusPerNode: cluster.fabric.gpusPerNode,
          contractedGpus: tenant.contractedGpus,
          ticketThresholdGpus: capacity.ticketThresholdGpus,
          availabilityTarget: tenant.slo.availabilityTarget,
          topics: TOPICS,
        });
        return { cluster, tenant, capacity, alarms };
      }),
    );
    return { built, json: synthStack(stack) };
  }

  it('pages below the contract and tickets below allocated minus one SU, in nodes, missing data breaching', () => {
    const { built, json } = alarmsFor('prod');
    const alarms = Object.values(resourcesOf(json, 'aws_cloudwatch_metric_alarm'));
    expect(alarms).toHaveLength(4 * built.length);
    for (const { cluster, tenant, capacity } of built) {
      const prefix = `prod-${cluster.id}-${tenant.id}`;
      const page = alarms.find((a) => a.alarm_name === `${prefix}-below-contract`)!;
      const ticket = alarms.find((a) => a.alarm_name === `${prefix}-spare-not-covering`)!;
      expect(page).toMatchObject({
        comparison_operator: 'LessThanThreshold',
        threshold: Math.ceil(tenant.contractedGpus / cluster.fabric.gpusPerNode),
        treat_missing_data: 'breaching',
        alarm_actions: [TOPICS.page],
      });
      const perUnit = cluster.fabric.nodesPerRack * cluster.fabric.racksPerScalableUnit;
      expect(ticket).toMatchObject({
        threshold: (capacity.allocatedUnits - 1) * perUnit,
        treat_missing_data: 'breaching',
        alarm_actions: [TOPICS.ticket],
      });
      for (const alarm of [page, ticket]) {
        const queries = alarm.metric_query as Record<string, unknown>[];
        expect(queries).toHaveLength(1);
        expect(queries[0]).toMatchObject({ period: 60, return_data: true });
        expect(selectorOf(String(queries[0]!.expression))).toEqual({
          environment: 'prod',
          cluster: cluster.id,
          tenant: tenant.id,
        });
      }
    }
  });

  it('stays within every CloudWatch limit for every prod tenant', () => {
    const { json } = alarmsFor('prod');
    expect(evaluateLimits(measureStacks(new Map([['prod-capacity', json]])))).toEqual([]);
  });

  it.each(['dev', 'staging'])(
    "%s: each query selects exactly the tenant's SUs among every ASG the compute stacks create",
    (environment) => {
      const { config, stacks } = synthEnvironment(environment);
      const asgs = [...stacks.values()].flatMap((json) =>
        Object.values(resourcesOf(json, 'aws_autoscaling_group')).map((body) => ({
          name: String(body.name),
          tags: tagsOf(body),
        })),
      );
      const placed = placeUnits(config);
      expect(asgs).toHaveLength(placed.length);
      const { built } = alarmsFor(environment);
      for (const { cluster, tenant, alarms } of built) {
        const predicates = selectorOf(alarms.query);
        const selected = asgs
          .filter((a) => selectedBy(predicates, a.tags))
          .map((a) => a.name)
          .sort();
        const expected = tenantUnits(placed, cluster.id, tenant.id)
          .map((u) => u.name)
          .sort();
        expect(expected.length).toBeGreaterThan(0);
        expect(selected).toEqual(expected);
      }
    },
  );
});
