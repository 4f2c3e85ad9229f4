/**
 * Every Terraform resource and data source type the isolation proof knows. A type outside this
 * list, in any stack, makes the proof answer "cannot prove" for the whole environment.
 *
 * - modeled: the type can create or close a path (network, relay, placement or access) and the
 *   proof reads it; `reads` names the attributes that decide, each of which must resolve.
 * - inert: the type cannot create a path between tenants; `reason` says why in one line.
 *
 * To add a type: add one entry here. An inert entry needs only its reason. A modeled entry also
 * needs a reader in topology.ts (network, placement, relays) or access.ts (IAM, S3, KMS).
 */
export type Layer = 'placement' | 'routing' | 'nacl' | 'security-group' | 'access';

export interface CatalogueEntry {
  readonly type: string;
  readonly kind: 'resource' | 'data';
  readonly class: 'modeled' | 'inert';
  /** Modeled: the layer(s) it feeds and the attributes that decide. Inert: why it cannot make a path. */
  readonly reason: string;
}

const modeled = (type: string, reason: string): CatalogueEntry => ({
  type,
  kind: 'resource',
  class: 'modeled',
  reason,
});
const inert = (type: string, reason: string): CatalogueEntry => ({ type, kind: 'resource', class: 'inert', reason });
const lookup = (type: string, reason: string): CatalogueEntry => ({ type, kind: 'data', class: 'modeled', reason });
const fact = (type: string, reason: string): CatalogueEntry => ({ type, kind: 'data', class: 'inert', reason });

export const CATALOGUE: readonly CatalogueEntry[] = [
  // Networks and addresses.
  modeled('aws_vpc', 'placement/routing: cidr_block, ipv6_cidr_block, assign_generated_ipv6_cidr_block, tags.tenant'),
  modeled('aws_vpc_ipv4_cidr_block_association', 'routing: vpc_id, cidr_block'),
  modeled('aws_vpc_ipv6_cidr_block_association', 'routing: vpc_id, ipv6_cidr_block'),
  modeled('aws_subnet', 'placement/routing: vpc_id, cidr_block, ipv6_cidr_block, tags.tenant'),
  // Routing.
  modeled('aws_route_table', 'routing: vpc_id, inline route blocks (IPv4, IPv6, prefix list, every target)'),
  modeled('aws_default_route_table', 'routing: default_route_table_id, inline route blocks'),
  modeled('aws_main_route_table_association', 'routing: vpc_id, route_table_id'),
  modeled('aws_route_table_association', 'routing: subnet_id, route_table_id'),
  modeled('aws_route', 'routing: route_table_id, destination (IPv4, IPv6, prefix list) and every target'),
  modeled('aws_nat_gateway', 'routing: subnet_id (a NAT gateway forwards by its own subnet route table)'),
  modeled('aws_internet_gateway', 'routing: a route target that leaves the private network'),
  modeled('aws_egress_only_internet_gateway', 'routing: an IPv6 route target that leaves the private network'),
  modeled('aws_ec2_managed_prefix_list', 'routing/filters: inline entry blocks (cidr)'),
  modeled('aws_ec2_managed_prefix_list_entry', 'routing/filters: prefix_list_id, cidr'),
  modeled('aws_vpc_peering_connection', 'routing: vpc_id, peer_vpc_id'),
  modeled('aws_vpc_peering_connection_accepter', 'routing: vpc_peering_connection_id'),
  // Transit Gateways.
  modeled('aws_ec2_transit_gateway', 'routing: default_route_table_association, default_route_table_propagation'),
  modeled('aws_ec2_transit_gateway_route_table', 'routing: transit_gateway_id'),
  modeled('aws_ec2_transit_gateway_vpc_attachment', 'routing: transit_gateway_id, vpc_id, subnet_ids, defaults'),
  modeled('aws_ec2_transit_gateway_peering_attachment', 'routing: transit_gateway_id, peer_transit_gateway_id'),
  modeled('aws_ec2_transit_gateway_peering_attachment_accepter', 'routing: transit_gateway_attachment_id'),
  modeled('aws_ec2_transit_gateway_route_table_association', 'routing: attachment, route table'),
  modeled('aws_ec2_transit_gateway_route_table_propagation', 'routing: attachment, route table'),
  modeled('aws_ec2_transit_gateway_route', 'routing: route table, destination, attachment, blackhole'),
  modeled('aws_ec2_transit_gateway_prefix_list_reference', 'routing: route table, prefix list, attachment, blackhole'),
  // Filters.
  modeled('aws_network_acl', 'nacl: vpc_id, subnet_ids, inline ingress/egress (IPv4 and IPv6)'),
  modeled('aws_default_network_acl', 'nacl: default_network_acl_id, subnet_ids, inline rules'),
  modeled('aws_network_acl_association', 'nacl: network_acl_id, subnet_id'),
  modeled('aws_network_acl_rule', 'nacl: network_acl_id, egress, rule_number, rule_action, protocol, cidr'),
  modeled('aws_security_group', 'security-group: vpc_id, inline ingress/egress (cidrs, IPv6, prefix lists, groups)'),
  modeled('aws_default_security_group', 'security-group: vpc_id, inline ingress/egress'),
  modeled('aws_security_group_rule', 'security-group: security_group_id, type, cidrs, IPv6, prefix lists, source'),
  modeled('aws_vpc_security_group_ingress_rule', 'security-group: security_group_id, cidr_ipv4/6, prefix list, group'),
  modeled('aws_vpc_security_group_egress_rule', 'security-group: security_group_id, cidr_ipv4/6, prefix list, group'),
  // Placement: where interfaces land.
  modeled(
    'aws_launch_template',
    'placement: network_interfaces (subnet_id, security_groups), tags.tenant; access: iam_instance_profile',
  ),
  modeled('aws_autoscaling_group', 'placement: vpc_zone_identifier, launch_template, tags.tenant'),
  modeled('aws_instance', 'placement: subnet_id, vpc_security_group_ids, network_interface blocks'),
  modeled('aws_network_interface', 'placement: subnet_id, security_groups, attachment blocks'),
  modeled('aws_network_interface_attachment', 'placement: instance_id, network_interface_id'),
  modeled('aws_network_interface_sg_attachment', 'placement: security_group_id, network_interface_id'),
  // Shared services that relay traffic: a path unless the environment allows them by name.
  modeled('aws_lb', 'relay: subnets, subnet_mapping'),
  modeled('aws_alb', 'relay: subnets, subnet_mapping'),
  modeled('aws_elb', 'relay: subnets, instances'),
  modeled('aws_lb_target_group', 'relay: vpc_id'),
  modeled('aws_alb_target_group', 'relay: vpc_id'),
  modeled('aws_lb_target_group_attachment', 'relay: target_group_arn, target_id'),
  modeled('aws_alb_target_group_attachment', 'relay: target_group_arn, target_id'),
  modeled('aws_lb_listener', 'relay: load_balancer_arn (the listener makes its load balancer forward)'),
  modeled('aws_alb_listener', 'relay: load_balancer_arn (the listener makes its load balancer forward)'),
  modeled('aws_vpc_endpoint_service', 'relay: network_load_balancer_arns, gateway_load_balancer_arns'),
  modeled('aws_vpc_endpoint', 'relay: vpc_endpoint_type, service_name, vpc_id, subnet_ids, route_table_ids'),
  modeled('aws_efs_file_system', 'relay: a file system every mount target of which shares data'),
  modeled('aws_efs_mount_target', 'relay: file_system_id, subnet_id'),
  modeled('aws_fsx_lustre_file_system', 'relay: subnet_ids'),
  modeled('aws_fsx_ontap_file_system', 'relay: subnet_ids'),
  modeled('aws_fsx_openzfs_file_system', 'relay: subnet_ids'),
  modeled('aws_fsx_windows_file_system', 'relay: subnet_ids'),
  // Access: who can read, write or decrypt a tenant's data.
  modeled('aws_iam_role', 'access: assume_role_policy, permissions_boundary, inline_policy, managed_policy_arns'),
  modeled('aws_iam_role_policy', 'access: role, policy'),
  modeled('aws_iam_policy', 'access: policy'),
  modeled('aws_iam_role_policy_attachment', 'access: role, policy_arn'),
  modeled(
    'aws_iam_instance_profile',
    'access: role (joins a role to the nodes of every launch template naming the profile; one owner per profile and role)',
  ),
  modeled('aws_kms_key', 'access: policy, tags.tenant'),
  modeled('aws_s3_bucket', 'access: bucket, tags.tenant'),
  modeled('aws_s3_bucket_policy', 'access: bucket, policy'),
  modeled('aws_s3_bucket_public_access_block', 'access: bucket, the four block/ignore/restrict flags'),
  modeled(
    'aws_s3_bucket_ownership_controls',
    'access: rule.object_ownership (anything but BucketOwnerEnforced lets ACLs grant)',
  ),
  // Inert: cannot create a path.
  inert('aws_cloudwatch_metric_alarm', 'watches a metric; carries no traffic and grants no access'),
  inert('aws_cloudwatch_composite_alarm', 'combines alarms; carries no traffic and grants no access'),
  inert('aws_cloudwatch_dashboard', 'draws metrics; carries no traffic and grants no access'),
  inert('aws_cloudwatch_log_group', 'stores flow logs of the platform; tenants are granted nothing on it'),
  inert('aws_flow_log', 'records traffic; it neither routes nor admits any'),
  inert('aws_ec2_capacity_reservation', 'reserves instance capacity; no network interface of its own'),
  inert('aws_placement_group', 'a placement strategy for instances; no network interface of its own'),
  inert(
    'aws_cloudtrail',
    'records API activity into the audit bucket; it neither routes nor grants any principal access',
  ),
  inert('aws_config_configuration_recorder', 'records resource configurations; its role is modeled as any role is'),
  inert('aws_config_configuration_recorder_status', 'switches the Config recorder on; no path, grants nothing'),
  inert('aws_config_delivery_channel', 'delivers Config snapshots to the audit bucket; no path, grants nothing'),
  inert('aws_ebs_encryption_by_default', 'a region-wide EBS setting; no path, grants nothing'),
  inert(
    'aws_s3_bucket_logging',
    "the S3 logging service writes a bucket's access logs to the audit log bucket; grants no principal access",
  ),
  inert(
    'aws_resourcegroups_group',
    'a Capacity Reservation group: names the reservations an SU may launch into; no network interface of its own',
  ),
  inert('aws_kms_alias', 'a name for a key; grants nothing (the key policy decides)'),
  inert(
    'aws_ssm_parameter',
    "holds configuration; grants nothing (who may read or write it is decided by the roles' policies, which are modeled)",
  ),
  inert(
    'aws_iam_openid_connect_provider',
    "lets STS accept GitHub Actions tokens; what a token may do is decided by the trust policies of the roles, which are modeled (the delivery roles' admit no tenant principal)",
  ),
  inert('aws_s3_bucket_versioning', 'keeps object versions; grants nothing'),
  inert(
    'aws_s3_bucket_server_side_encryption_configuration',
    'chooses the key objects are encrypted with; grants nothing',
  ),
  inert('aws_sns_topic', 'alert fan-out to operators; carries no tenant traffic'),
  inert('aws_sns_topic_policy', 'who may publish alerts to a topic; grants nothing on tenant data or networks'),
  inert('aws_eip', 'a public address; whether anything reaches it is decided by routes and filters'),
  // Data sources.
  lookup('terraform_remote_state', 'outputs of another stack of the same synth, followed to their resources'),
  lookup('aws_vpc', 'resolved when its id, tags or filters select one VPC of the same synth output'),
  lookup('aws_subnet', 'resolved when its id, tags or filters select one subnet of the same synth output'),
  lookup('aws_security_group', 'resolved when its id, tags or filters select one group of the same synth output'),
  lookup('aws_route_table', 'resolved when its id, tags or filters select one route table of the same synth output'),
  lookup(
    'aws_ec2_transit_gateway',
    'resolved when its id, tags or filters select one gateway of the same synth output',
  ),
  lookup(
    'aws_ec2_managed_prefix_list',
    'resolved when its name, tags or filters select one list of the same synth output',
  ),
  fact('aws_caller_identity', 'the account the stack runs in; selects nothing'),
  fact('aws_region', 'the region the stack runs in; selects nothing'),
  fact('aws_partition', 'the AWS partition; selects nothing'),
];

const byKey = new Map(CATALOGUE.map((e) => [`${e.kind}:${e.type}`, e]));

export function catalogueEntry(kind: 'resource' | 'data', type: string): CatalogueEntry | undefined {
  return byKey.get(`${kind}:${type}`);
}

/** Data source types resolved by matching resources of the same synth output. */
export const LOOKUP_TYPES: readonly string[] = CATALOGUE.filter(
  (e) => e.kind === 'data' && e.class === 'modeled' && e.type !== 'terraform_remote_state',
).map((e) => e.type);
