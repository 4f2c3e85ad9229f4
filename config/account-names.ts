/**
 * Names that must be unique in the whole AWS account (S3 bucket names are global), built in one
 * place so that the config rules check exactly the names the stacks create.
 */
export interface TenantAccountNames {
  /** IAM role the tenant's workloads assume. */
  readonly role: string;
  /** KMS alias of the tenant's data key, without the `alias/` prefix. */
  readonly keyAlias: string;
  /** The tenant's data bucket; the account id keeps it globally unique. */
  readonly bucket: string;
}

/** AWS limits: IAM role names 64 characters, S3 bucket names 63, KMS alias names 256 with `alias/`. */
export const ACCOUNT_NAME_LIMITS: Readonly<Record<keyof TenantAccountNames, number>> = {
  role: 64,
  keyAlias: 256 - 'alias/'.length,
  bucket: 63,
};

export function tenantAccountNames(environment: string, tenantId: string, accountId: string): TenantAccountNames {
  const base = `${environment}-${tenantId}`;
  return { role: `${base}-tenant`, keyAlias: `${base}-data`, bucket: `${base}-data-${accountId}` };
}

/** Each name over its AWS limit, with its length and the limit. */
export function overlongAccountNames(
  names: TenantAccountNames,
): { kind: keyof TenantAccountNames; name: string; limit: number }[] {
  return (Object.keys(ACCOUNT_NAME_LIMITS) as (keyof TenantAccountNames)[])
    .filter((kind) => names[kind].length > ACCOUNT_NAME_LIMITS[kind])
    .map((kind) => ({ kind, name: names[kind], limit: ACCOUNT_NAME_LIMITS[kind] }));
}

/**
 * The IAM role, boundary (`<name>-boundary`) and instance profile of one owner's GPU nodes in a
 * cluster (stacks/tenancy-stack.ts): the owner is a tenant id or the spare pool ("unallocated").
 * Starts with the environment so that the deploy role may set its boundary (`<env>-*-boundary`).
 */
export function gpuNodeRoleName(environment: string, clusterId: string, owner: string): string {
  return `${environment}-${clusterId}-${owner}-gpu-node`;
}

/**
 * The audit stack's account-wide bucket names (stacks/audit-stack.ts); the account id keeps them
 * globally unique.
 */
export function auditBucketNames(environment: string, accountId: string): { trail: string; accessLogs: string } {
  return { trail: `${environment}-audit-trail-${accountId}`, accessLogs: `${environment}-audit-access-${accountId}` };
}

/**
 * The delivery pipeline's IAM names in the bootstrap stack (constructs/delivery/). IAM role
 * names hold 64 characters and policy names 128 (IAM User Guide, "IAM and AWS STS quotas");
 * an environment name is at most 32, so these always fit.
 */
export function deliveryNames(environment: string): {
  planRole: string;
  planPolicy: string;
  deployRole: string;
  deployBoundary: string;
} {
  const base = `${environment}-github`;
  return {
    planRole: `${base}-plan`,
    planPolicy: `${base}-plan-read`,
    deployRole: `${base}-deploy`,
    deployBoundary: `${base}-deploy-boundary`,
  };
}
