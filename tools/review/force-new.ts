/**
 * Attributes that force a replacement when they change, for the resource types our stacks
 * synthesize (hashicorp/aws 5.100.0, attributes marked ForceNew in the provider schema).
 * A synth diff has no provider to ask, so it predicts replacements from this table; a
 * Terraform plan (replace_paths) is authoritative. A type missing here predicts none.
 */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  aws_autoscaling_group: ['name', 'name_prefix'],
  aws_cloudwatch_composite_alarm: ['alarm_name'],
  aws_cloudwatch_dashboard: ['dashboard_name'],
  aws_cloudwatch_log_group: ['name', 'name_prefix', 'log_group_class'],
  aws_cloudwatch_metric_alarm: ['alarm_name'],
  aws_default_security_group: ['vpc_id'],
  aws_ec2_capacity_reservation: [
    'availability_zone',
    'ebs_optimized',
    'ephemeral_storage',
    'instance_match_criteria',
    'instance_platform',
    'instance_type',
    'outpost_arn',
    'placement_group_arn',
    'tenancy',
  ],
  aws_ec2_transit_gateway: ['amazon_side_asn', 'multicast_support'],
  aws_ec2_transit_gateway_route: [
    'blackhole',
    'destination_cidr_block',
    'transit_gateway_attachment_id',
    'transit_gateway_route_table_id',
  ],
  aws_ec2_transit_gateway_route_table: ['transit_gateway_id'],
  aws_ec2_transit_gateway_route_table_association: ['transit_gateway_attachment_id', 'transit_gateway_route_table_id'],
  aws_ec2_transit_gateway_route_table_propagation: ['transit_gateway_attachment_id', 'transit_gateway_route_table_id'],
  aws_ec2_transit_gateway_vpc_attachment: ['transit_gateway_id', 'vpc_id'],
  aws_flow_log: [
    'destination_options',
    'eni_id',
    'iam_role_arn',
    'log_destination',
    'log_destination_type',
    'log_format',
    'max_aggregation_interval',
    'subnet_id',
    'traffic_type',
    'transit_gateway_id',
    'vpc_id',
  ],
  aws_iam_policy: ['description', 'name', 'name_prefix', 'path'],
  aws_iam_role: ['name', 'name_prefix', 'path'],
  aws_iam_role_policy: ['name', 'name_prefix', 'role'],
  aws_kms_alias: ['name', 'name_prefix'],
  aws_kms_key: ['custom_key_store_id', 'customer_master_key_spec', 'key_usage', 'multi_region', 'xks_key_id'],
  aws_launch_template: ['name', 'name_prefix'],
  aws_network_acl: ['vpc_id'],
  aws_network_acl_association: ['network_acl_id', 'subnet_id'],
  aws_network_acl_rule: [
    'cidr_block',
    'egress',
    'from_port',
    'icmp_code',
    'icmp_type',
    'ipv6_cidr_block',
    'network_acl_id',
    'protocol',
    'rule_action',
    'rule_number',
    'to_port',
  ],
  aws_placement_group: ['name', 'partition_count', 'spread_level', 'strategy'],
  aws_route: ['destination_cidr_block', 'destination_ipv6_cidr_block', 'destination_prefix_list_id', 'route_table_id'],
  aws_route_table: ['vpc_id'],
  aws_route_table_association: ['gateway_id', 'subnet_id'],
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
  aws_s3_bucket_ownership_controls: ['bucket'],
  aws_s3_bucket_policy: ['bucket'],
  aws_s3_bucket_public_access_block: ['bucket'],
  aws_s3_bucket_server_side_encryption_configuration: ['bucket', 'expected_bucket_owner'],
  aws_s3_bucket_versioning: ['bucket', 'expected_bucket_owner'],
  aws_security_group: ['description', 'name', 'name_prefix', 'vpc_id'],
  aws_sns_topic: ['fifo_topic', 'name', 'name_prefix'],
  aws_sns_topic_policy: ['arn'],
  aws_subnet: ['availability_zone', 'availability_zone_id', 'cidr_block', 'ipv6_native', 'outpost_arn', 'vpc_id'],
  aws_vpc: ['cidr_block', 'ipv4_ipam_pool_id'],
  aws_vpc_endpoint: ['service_name', 'vpc_endpoint_type', 'vpc_id'],
  aws_vpc_ipv4_cidr_block_association: ['cidr_block', 'vpc_id'],
  aws_vpc_security_group_egress_rule: ['security_group_id'],
  aws_vpc_security_group_ingress_rule: ['security_group_id'],
};

/** The top-level attribute a path starts with: network_interfaces[0].subnet_id -> network_interfaces */
export function topAttribute(path: string): string {
  return path.split(/[.[]/, 1)[0] ?? path;
}

export function forcesNew(type: string, attribute: string): boolean {
  return FORCE_NEW[type]?.includes(topAttribute(attribute)) ?? false;
}
