import type { IConstruct } from 'constructs';
import { type IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { suppress } from '../policy/code-suppressions';

/** The compliance rule that asks for prevent_destroy on each type (policy/rules/lifecycle.ts). */
const PROTECTION_RULES: Readonly<Record<string, string>> = {
  aws_kms_key: 'CLX-LIF-001',
  aws_cloudwatch_log_group: 'CLX-LIF-002',
  aws_s3_bucket: 'CLX-LIF-003',
};

/**
 * Lifts prevent_destroy from every resource of a stack, so that a test environment can be
 * torn down, and records each lift as a compliance exception. Config rules allow it only for
 * an environment with runsOn: emulator, which never synthesizes for AWS (checkTargetRules).
 * It acts when it visits the stack, so the compliance aspect added after it sees the result.
 */
export class AllowDestroy implements IAspect {
  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    for (const resource of node.node.findAll()) {
      if (!(resource instanceof TerraformResource) || !resource.lifecycle?.preventDestroy) continue;
      resource.lifecycle = { ...resource.lifecycle, preventDestroy: false };
      // The emulator delivers S3 server access logs too: the access-log bucket is never empty at destroy.
      if (resource instanceof S3Bucket) resource.forceDestroy = true;
      const rule = PROTECTION_RULES[resource.terraformResourceType];
      if (rule) {
        suppress(resource, rule, {
          reason: 'emulator environment: the deploy test destroys everything it deploys',
        });
      }
    }
  }
}
