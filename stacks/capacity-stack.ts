import type { Construct } from 'constructs';
import { clusterCapacity } from '../config/capacity';
import { errorBudgetMinutes, MONTH_MINUTES } from '../config/slo';
import { SEVERITIES } from '../constructs/alerting/alert-topics';
import { alarmArn, type AlarmTopics, type Severity } from '../constructs/alerting/facility-metrics';
import { gpuNamespace, SPARE_OWNER } from '../constructs/compute/gpu-telemetry';
import {
  inServiceNodesQuery,
  nodesBelow,
  reservationUtilizationQuery,
  spareNodesQuery,
} from '../constructs/capacity/contract-query';
import { HallCapacityAlarms } from '../constructs/capacity/hall-capacity-alarms';
import { NodeHealthAlarms } from '../constructs/capacity/node-health-alarms';
import { TenantContractAlarms } from '../constructs/capacity/tenant-contract-alarms';
import { TenantDashboard } from '../constructs/capacity/tenant-dashboard';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { alertingOutputs } from './outputs';

export interface CapacityStackProps extends ColossusStackProps {
  /** The alerting stack whose topics the alarms send to. */
  readonly alertingStack: string;
}

/**
 * One cluster's capacity as it runs: per tenant, running GPUs against the contract (page),
 * against allocated minus one SU (ticket), the SLO's burn-rate alarms and a dashboard; per
 * owner of nodes (each tenant and the spare pool), GPU health; per hall with tenant SUs, spare
 * cover and capacity reservations. Every alarm is a Metrics Insights query that selects its SUs
 * by the tags or namespace the compute shards give them, so the stack reads no compute state:
 * an SU added to a tenant is watched without a change here.
 */
export class CapacityStack extends ColossusStack {
  readonly tenants: TenantContractAlarms[] = [];
  readonly nodeHealth: NodeHealthAlarms[] = [];
  readonly halls: HallCapacityAlarms[] = [];
  readonly dashboards: TenantDashboard[] = [];

  constructor(scope: Construct, name: string, props: CapacityStackProps) {
    super(scope, name, props);
    const { cluster } = props;
    const env = props.config.environment;
    const prefix = `${env.name}-${cluster.id}`;
    const alerting = this.remoteState('alerting', props.alertingStack);
    const topics = Object.fromEntries(
      SEVERITIES.map((severity) => [severity, alerting.getString(alertingOutputs.topicArn(severity))]),
    ) as Record<Severity, string> satisfies AlarmTopics;
    const capacity = clusterCapacity(cluster);
    const { gpusPerNode } = cluster.fabric;
    const maxTemperatureC = cluster.cooling.gpuMaxTemperatureC;

    for (const hall of capacity.halls) {
      if (hall.largestSingleLossGpus === 0) continue;
      this.halls.push(
        // "." and not "-": a segment ending in -<hall> would read as a tenant of that id (policy/rules/iam.ts tenantOf).
        new HallCapacityAlarms(this, `hall.${hall.hallId}`, {
          namePrefix: `${prefix}-${hall.hallId}`,
          selector: { environment: env.name, cluster: cluster.id, hall: hall.hallId },
          largestSingleLossNodes: nodesBelow(hall.largestSingleLossGpus, gpusPerNode),
          topics,
        }),
      );
    }

    for (const t of capacity.tenants) {
      const tenant = cluster.tenants.find((c) => c.id === t.tenantId)!;
      const selector = { environment: env.name, cluster: cluster.id, tenant: t.tenantId };
      const tenantPrefix = `${prefix}-${t.tenantId}`;
      const tags = { tenant: t.tenantId, 'data-classification': tenant.dataClassification };
      const contract = new TenantContractAlarms(this, `tenant-${t.tenantId}`, {
        namePrefix: tenantPrefix,
        selector,
        gpusPerNode,
        contractedGpus: t.contractedGpus,
        ticketThresholdGpus: t.ticketThresholdGpus,
        availabilityTarget: tenant.slo.availabilityTarget,
        topics,
        tags,
      });
      this.tenants.push(contract);
      const health = new NodeHealthAlarms(this, `nodes-${t.tenantId}`, {
        namePrefix: tenantPrefix,
        owner: t.tenantId,
        namespace: gpuNamespace(env.name, cluster.id, t.tenantId),
        gpusPerUnit: t.gpusPerUnit,
        ownerGpus: t.allocatedGpus,
        maxTemperatureC,
        topics,
        tags,
      });
      this.nodeHealth.push(health);
      const alarms = [contract.page, contract.ticket, contract.burn.fast, contract.burn.slow];
      alarms.push(health.silentTotal, health.silentUnit, health.hot);
      this.dashboards.push(
        new TenantDashboard(this, `dashboard-${t.tenantId}`, {
          name: `${tenantPrefix}-capacity`,
          region: env.region,
          tenant: t.tenantId,
          nodesQuery: inServiceNodesQuery(selector),
          reservationQuery: reservationUtilizationQuery(selector),
          gpusPerNode,
          contractedGpus: t.contractedGpus,
          allocatedGpus: t.allocatedGpus,
          ticketThresholdGpus: t.ticketThresholdGpus,
          contractNodes: nodesBelow(t.contractedGpus, gpusPerNode),
          budgetMinutes: errorBudgetMinutes(tenant.slo.availabilityTarget, MONTH_MINUTES),
          availabilityTarget: tenant.slo.availabilityTarget,
          halls: Object.keys(t.unitsPerHall).map((id) => ({
            id,
            spareQuery: spareNodesQuery({ environment: env.name, cluster: cluster.id, hall: id }),
            nodesPerUnit: t.nodesPerUnit,
          })),
          // By name, not reference: the names are fixed, and a reference would tie the
          // dashboard's body to every alarm's apply.
          alarmArns: alarms.map((a) => alarmArn(env.region, env.accountId, String(a.alarmNameInput))),
        }),
      );
    }

    const spareUnits = capacity.halls.reduce((sum, h) => sum + h.spareUnits, 0);
    if (spareUnits > 0) {
      this.nodeHealth.push(
        new NodeHealthAlarms(this, `nodes-${SPARE_OWNER}`, {
          namePrefix: `${prefix}-${SPARE_OWNER}`,
          owner: SPARE_OWNER,
          namespace: gpuNamespace(env.name, cluster.id, SPARE_OWNER),
          gpusPerUnit: capacity.gpusPerUnit,
          ownerGpus: spareUnits * capacity.gpusPerUnit,
          maxTemperatureC,
          topics,
        }),
      );
    }
  }
}
