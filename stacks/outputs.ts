/**
 * Names of the outputs one stack publishes and another reads through remote state.
 * Producer and consumer both call these, so a rename cannot break one side silently.
 */
function ident(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '_');
}

export const networkOutputs = {
  vpcId: 'vpc_id',
  vpcCidr: 'vpc_cidr',
  s3PrefixListId: 's3_prefix_list_id',
  fabricSubnetId: (hall: string) => `${ident(hall)}_fabric_subnet_id`,
  frontendSubnetId: (hall: string) => `${ident(hall)}_frontend_subnet_id`,
  frontendRouteTableId: (hall: string) => `${ident(hall)}_frontend_route_table_id`,
} as const;

/** Published by the tenancy stack of a cluster; read by its compute stacks. */
export const tenancyOutputs = {
  transitGatewayId: 'transit_gateway_id',
  vpcId: (tenant: string) => `${ident(tenant)}_vpc_id`,
  subnetId: (tenant: string, hall: string) => `${ident(tenant)}_${ident(hall)}_subnet_id`,
  efaSecurityGroupId: (tenant: string) => `${ident(tenant)}_efa_security_group_id`,
  nodeSecurityGroupId: (tenant: string) => `${ident(tenant)}_node_security_group_id`,
  kmsKeyArn: (tenant: string) => `${ident(tenant)}_kms_key_arn`,
  roleArn: (tenant: string) => `${ident(tenant)}_role_arn`,
  bucketName: (tenant: string) => `${ident(tenant)}_bucket_name`,
  /** Per owner (each tenant, and the spare pool): what its GPU nodes run as, and where their agent configuration is. */
  gpuNodeProfileArn: (owner: string) => `${ident(owner)}_gpu_node_profile_arn`,
  gpuAgentParameterName: (owner: string) => `${ident(owner)}_gpu_agent_parameter_name`,
} as const;

/** Published by the alerting stack of a cluster; read by its monitoring stacks. */
export const alertingOutputs = {
  topicArn: (severity: string) => `${ident(severity)}_topic_arn`,
} as const;

/** Published by part 1 of a split hall's compute; read by its later parts for their spare SUs. */
export const computeOutputs = {
  efaSecurityGroupId: 'efa_security_group_id',
  nodeSecurityGroupId: 'node_security_group_id',
} as const;

/** Published by a later part of a split hall's monitoring; part 1's "redundancy lost" composite reads them. */
export const monitoringOutputs = {
  outOfServiceAlarmName: (cdu: string) => `${ident(cdu)}_out_of_service_alarm_name`,
} as const;
