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
} as const;
