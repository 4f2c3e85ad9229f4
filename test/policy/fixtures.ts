import { evaluateStack } from '../../policy/evaluate';
import type { ReportRow, RuleContext, StackModel } from '../../policy/model';
import { RULES_BY_ID } from '../../policy/rules';
import { stackModel, type SynthesizedStackJson } from '../../policy/stack-model';

type Attrs = Record<string, unknown>;
export type Resources = Record<string, Record<string, Attrs>>;

export const DEFAULT_TAGS = {
  environment: 'test',
  cluster: 'colossus-1',
  owner: 'platform-infra',
  'data-classification': 'internal',
};

/** A synthesized stack, as cdktf writes it, holding the given resources under the test provider. */
export function stackJson(resources: Resources, extra: Partial<SynthesizedStackJson> = {}): SynthesizedStackJson {
  const withPaths = Object.fromEntries(
    Object.entries(resources).map(([type, byName]) => [
      type,
      Object.fromEntries(
        Object.entries(byName).map(([name, attrs]) => [
          name,
          { '//': { metadata: { path: `test/${name}` } }, ...attrs },
        ]),
      ),
    ]),
  );
  return { provider: { aws: [{ default_tags: [{ tags: DEFAULT_TAGS }] }] }, resource: withPaths, ...extra };
}

const NOT_TAGGABLE = new Set(['aws_autoscaling_group', 'aws_kms_alias', 'aws_route_table_association']);

export function model(resources: Resources, extra: Partial<SynthesizedStackJson> = {}, name = 'test'): StackModel {
  return stackModel(name, stackJson(resources, extra), (type) => !NOT_TAGGABLE.has(type));
}

export const NO_TENANTS: RuleContext = { tenants: new Map() };

/** The rows one rule produces for a stack. */
export function rowsOf(ruleId: string, stack: StackModel, context: RuleContext = NO_TENANTS): readonly ReportRow[] {
  const rule = RULES_BY_ID.get(ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return evaluateStack(stack, { rules: [rule], suppressions: [], context, today: new Date('2026-01-01') }).rows;
}

export const ref = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;

export const keyPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Root',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

export const goodKey = {
  enable_key_rotation: true,
  policy: keyPolicy,
  deletion_window_in_days: 30,
  lifecycle: { prevent_destroy: true },
};
