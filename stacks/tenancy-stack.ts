import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { gpuNodeRoleName, tenantAccountNames } from '../config/account-names';
import { planTenantSubnets } from '../config/tenant-address-plan';
import { escapeTerraformTemplate } from '../config/terraform-literal';
import type { ClusterConfig } from '../config/schema';
import { gpuAgentConfigText, gpuAgentParameterName } from '../constructs/compute/gpu-agent-config';
import { GpuNodeRole } from '../constructs/compute/gpu-node-role';
import { SPARE_OWNER, gpuNamespace } from '../constructs/compute/gpu-telemetry';
import { onePerZone } from '../constructs/tenancy/tenant-network';
import { TenantBoundary } from '../constructs/tenancy/tenant-boundary';
import { TransitHub } from '../constructs/tenancy/transit-hub';
import { ColossusStack, type ColossusStackProps } from './colossus-stack';
import { networkOutputs, tenancyOutputs } from './outputs';

export interface TenancyStackProps extends ColossusStackProps {
  /** The network stack whose cluster VPC is the shared-services side of the gateway. */
  readonly networkStack: string;
}

/** The tenant subnets of a cluster, by tenant and hall; config rules have already checked they fit. */
export function tenantSubnets(cluster: ClusterConfig): Map<string, { hallId: string; cidr: string }[]> {
  return new Map(
    cluster.tenants.map((tenant) => {
      const plan = planTenantSubnets(cluster, tenant);
      if (!plan.ok) throw new Error(`tenant ${tenant.id}: ${plan.reason}`);
      return [tenant.id, plan.subnets];
    }),
  );
}

/**
 * A cluster's Transit Gateway, one isolation boundary per tenant, and what each owner's GPU
 * nodes run as (each tenant's, and the spare pool's): per owner, never per SU.
 */
export class TenancyStack extends ColossusStack {
  readonly hub: TransitHub;
  readonly boundaries = new Map<string, TenantBoundary>();
  readonly gpuNodes = new Map<string, GpuNodeRole>();

  constructor(scope: Construct, name: string, props: TenancyStackProps) {
    super(scope, name, props);
    const { cluster } = props;
    const env = props.config.environment;
    const prefix = `${env.name}-${cluster.id}`;
    const network = this.remoteState('network', props.networkStack);
    const halls = new Map(cluster.halls.map((h) => [h.id, h]));

    this.hub = new TransitHub(this, 'transit-hub', {
      name: prefix,
      sharedServicesVpcId: network.getString(networkOutputs.vpcId),
      sharedServicesSubnetIds: onePerZone(cluster.halls).map((h) =>
        network.getString(networkOutputs.frontendSubnetId(h.id)),
      ),
      explicitAttachmentFlags: !this.emulatorLacks('tgw-default-route-table-options'),
    });
    new TerraformOutput(this, tenancyOutputs.transitGatewayId, { value: this.hub.transitGateway.id });

    const frontendRouteTables = Object.fromEntries(
      cluster.halls.map((h) => [h.id, network.getString(networkOutputs.frontendRouteTableId(h.id))]),
    );
    const subnets = tenantSubnets(cluster);
    for (const tenant of cluster.tenants) {
      const boundary = new TenantBoundary(this, tenant.id, {
        name: `${prefix}-${tenant.id}`,
        accountNames: tenantAccountNames(env.name, tenant.id, env.accountId),
        tenantId: tenant.id,
        displayName: tenant.displayName,
        dataClassification: tenant.dataClassification,
        cidr: tenant.cidr,
        subnets: (subnets.get(tenant.id) ?? []).map((s) => ({
          ...s,
          availabilityZone: halls.get(s.hallId)!.availabilityZone,
        })),
        otherTenants: cluster.tenants.filter((t) => t.id !== tenant.id).map((t) => ({ tenantId: t.id, cidr: t.cidr })),
        sharedServicesCidr: cluster.addressPlan.platformCidr,
        sharedServicesVpcRouteTableIds: frontendRouteTables,
        transitGatewayId: this.hub.transitGateway.id,
        sharedServicesAttachmentId: this.hub.sharedServicesAttachment.id,
        sharedServicesRouteTableId: this.hub.sharedServicesRouteTable.id,
        platformAdminRoleArn: `arn:aws:iam::${env.accountId}:role/${env.platformAdminRole}`,
        accountId: env.accountId,
        region: env.region,
        logRetentionDays: env.logRetentionDays,
        explicitAttachmentFlags: !this.emulatorLacks('tgw-default-route-table-options'),
        tlsOnlyBucketPolicy: !this.emulatorLacks('tls-only-bucket-policies'),
      });
      this.boundaries.set(tenant.id, boundary);

      const out = (name: string, value: string) => new TerraformOutput(this, name, { value });
      out(tenancyOutputs.vpcId(tenant.id), boundary.network.vpc.id);
      for (const [hall, subnet] of boundary.network.subnets) out(tenancyOutputs.subnetId(tenant.id, hall), subnet.id);
      out(tenancyOutputs.efaSecurityGroupId(tenant.id), boundary.efaSecurityGroup.group.id);
      out(tenancyOutputs.nodeSecurityGroupId(tenant.id), boundary.nodeSecurityGroup.group.id);
      out(tenancyOutputs.kmsKeyArn(tenant.id), boundary.key.key.arn);
      out(tenancyOutputs.roleArn(tenant.id), boundary.role.role.arn);
      out(tenancyOutputs.bucketName(tenant.id), boundary.bucket.bucket.bucket);
      // Inside the boundary's scope, so that its construct id cannot collide with a tenant id.
      this.gpuNodeRole(boundary, 'gpu-node', props, tenant.id, {
        tenant: tenant.id,
        'data-classification': tenant.dataClassification,
      });
    }
    // "unallocated" is a reserved tenant id (config/rules.ts), so this construct id is free.
    this.gpuNodeRole(this, SPARE_OWNER, props, SPARE_OWNER, { tenant: SPARE_OWNER, 'data-classification': 'internal' });
  }

  private gpuNodeRole(
    scope: Construct,
    id: string,
    props: TenancyStackProps,
    owner: string,
    tags: Record<string, string>,
  ): void {
    const env = props.config.environment;
    const cluster = props.cluster.id;
    const parameterName = gpuAgentParameterName(env.name, cluster, owner);
    const nodes = new GpuNodeRole(scope, id, {
      name: gpuNodeRoleName(env.name, cluster, owner),
      owner,
      parameterName,
      // The agent's own "${aws:InstanceId}" would be a Terraform interpolation: escaped, Terraform stores it as is.
      agentConfig: escapeTerraformTemplate(gpuAgentConfigText({ environment: env.name, clusterId: cluster, owner })),
      namespace: gpuNamespace(env.name, cluster, owner),
      accountId: env.accountId,
      region: env.region,
      tags,
    });
    this.gpuNodes.set(owner, nodes);
    new TerraformOutput(this, tenancyOutputs.gpuNodeProfileArn(owner), { value: nodes.instanceProfile.arn });
    new TerraformOutput(this, tenancyOutputs.gpuAgentParameterName(owner), { value: nodes.parameter.name });
  }
}
