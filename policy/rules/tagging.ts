import { blocks, ofType } from '../attributes';
import type { Check, Resource, Rule, RuleContext, StackModel } from '../model';
import { DATA_CLASSIFICATIONS } from '../../config/schema';
import { tenantOf } from './iam';
import { check } from './check';

/** The tags every taggable resource carries, with the rule that checks each. */
export const REQUIRED_TAGS = ['environment', 'cluster', 'owner', 'data-classification'] as const;

/** Resources that can carry tags: a `tags` map, or the tag blocks of an auto scaling group. */
function tagged(stack: StackModel): Resource[] {
  return stack.resources.filter((r) => r.taggable || r.type === 'aws_autoscaling_group');
}

function hasTag(r: Resource, key: string): Check {
  const value = r.effectiveTags[key];
  const from = r.type === 'aws_autoscaling_group' ? 'tag[]' : 'tags (with provider default_tags)';
  return check(r, `${from}.${key}`, value ?? null, typeof value === 'string' && value.trim() !== '', `no "${key}" tag`);
}

function requiredTagRule(id: string, key: string, extra = ''): Rule {
  return {
    id,
    title: `Every taggable resource carries the ${key} tag`,
    severity: 'error',
    rationale: `Cost, ownership and incident routing read the ${key} tag; an untagged resource is invisible to them.${extra}`,
    controls: { cis: [], nist: ['CM-8', 'CM-8(4)'] },
    checkov: [],
    check: (stack) => tagged(stack).map((r) => hasTag(r, key)),
  };
}

export const taggingRules: Rule[] = [
  requiredTagRule('CLX-TAG-001', 'environment'),
  requiredTagRule('CLX-TAG-002', 'cluster'),
  requiredTagRule('CLX-TAG-003', 'owner'),
  {
    id: 'CLX-TAG-004',
    title: 'Every taggable resource carries a valid data-classification tag',
    severity: 'error',
    rationale:
      'Handling rules (encryption, retention, access) follow the classification; it must be one the policy defines.',
    controls: { cis: [], nist: ['RA-2', 'CM-8', 'SC-16'] },
    checkov: [],
    check: (stack) =>
      tagged(stack).map((r) => {
        const value = r.effectiveTags['data-classification'];
        return check(
          r,
          'tags.data-classification',
          value ?? null,
          (DATA_CLASSIFICATIONS as readonly string[]).includes(value ?? ''),
          `must be one of ${DATA_CLASSIFICATIONS.join(', ')}`,
        );
      }),
  },
  {
    id: 'CLX-TAG-005',
    title: "Tenant resources carry the tenant tag and the tenant's data classification",
    severity: 'error',
    rationale:
      'Tenant attribution drives billing and the isolation audit; the classification must be the one the tenant contracted.',
    controls: { cis: [], nist: ['CM-8', 'RA-2', 'AC-16'] },
    checkov: [],
    check: (stack, context: RuleContext) =>
      tagged(stack)
        .filter((r) => tenantOf(r, context) !== undefined)
        .map((r) => {
          const tenant = tenantOf(r, context) as string;
          const value = {
            tenant: r.effectiveTags.tenant ?? null,
            'data-classification': r.effectiveTags['data-classification'] ?? null,
          };
          const expected = context.tenants.get(tenant);
          const ok = value.tenant === tenant && expected !== undefined && value['data-classification'] === expected;
          const why =
            expected === undefined
              ? `tenant "${tenant}" is not in the config`
              : `expected tenant=${tenant}, data-classification=${expected}`;
          return check(r, 'tags.tenant/tags.data-classification', value, ok, why);
        }),
  },
  {
    id: 'CLX-TAG-006',
    title: 'Launch templates tag the instances and volumes they launch',
    severity: 'error',
    rationale:
      'Provider default tags do not reach instances an auto scaling group launches; the template must carry the required tags.',
    controls: { cis: [], nist: ['CM-8'] },
    checkov: [],
    check: (stack) =>
      ofType(stack, 'aws_launch_template').flatMap((lt) =>
        ['instance', 'volume'].map((kind) => {
          const spec = blocks(lt.attrs.tag_specifications).find((s) => s.resource_type === kind);
          const tags = (spec?.tags ?? {}) as Record<string, unknown>;
          const missing = REQUIRED_TAGS.filter((k) => typeof tags[k] !== 'string' || tags[k] === '');
          return check(
            lt,
            `tag_specifications[${kind}].tags`,
            missing.length ? { missing } : 'all required tags',
            missing.length === 0,
            `missing ${missing.join(', ')}`,
          );
        }),
      ),
  },
];
