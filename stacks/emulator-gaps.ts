import type { IConstruct } from 'constructs';
import { type IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

/**
 * The emulator reads every key's rotation period back as 0, so an explicit period would
 * show as a change on every plan. Rotation stays on; the period falls back to AWS's
 * default, which is the 365 days the constructs ask for. Only for the emulator gap
 * kms-rotation-period (config rules keep it out of real environments).
 */
export class OmitKmsRotationPeriod implements IAspect {
  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    for (const key of node.node.findAll()) {
      if (key instanceof KmsKey) key.resetRotationPeriodInDays();
    }
  }
}

/** Attributes the emulator reads back wrong, by gap and resource type (README, "Emulator gaps"). */
export const EMULATOR_DRIFT: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // Tags on a Transit Gateway attachment are not stored: every plan would add them again.
  'tgw-attachment-tags': { aws_ec2_transit_gateway_vpc_attachment: ['tags', 'tags_all'] },
  // Rule descriptions come back empty and group references as "<account>/sg-...".
  'security-group-rule-read-back': {
    aws_vpc_security_group_ingress_rule: ['description', 'referenced_security_group_id'],
    aws_vpc_security_group_egress_rule: ['description', 'referenced_security_group_id'],
  },
  // A route to an attachment comes back as a blackhole without the attachment.
  'tgw-route-read-back': { aws_ec2_transit_gateway_route: ['blackhole', 'transit_gateway_attachment_id'] },
  // The template's own tags come back as an extra tag_specifications block.
  'launch-template-read-back': { aws_launch_template: ['tag_specifications'] },
};

/**
 * Ignores the attributes the emulator reads back wrong, so that a second plan shows what
 * really changed. The resources are still created with the right values. Only for an
 * environment that lists the gap (config rules keep gaps out of real environments).
 */
export class IgnoreEmulatorDrift implements IAspect {
  private readonly byType: Map<string, string[]>;

  constructor(gaps: readonly string[]) {
    this.byType = new Map();
    for (const gap of gaps) {
      for (const [type, attributes] of Object.entries(EMULATOR_DRIFT[gap] ?? {})) {
        this.byType.set(type, [...(this.byType.get(type) ?? []), ...attributes]);
      }
    }
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    for (const resource of node.node.findAll()) {
      if (!(resource instanceof TerraformResource)) continue;
      const ignored = this.byType.get(resource.terraformResourceType);
      if (!ignored) continue;
      const current = resource.lifecycle?.ignoreChanges;
      resource.lifecycle = {
        ...resource.lifecycle,
        ignoreChanges: [...(Array.isArray(current) ? current : []), ...ignored],
      };
    }
  }
}
