import type { Resource, StackModel } from './model';

/** A synthesized stack as cdktf writes it (cdk.tf.json), metadata included. */
export interface SynthesizedStackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, readonly Record<string, unknown>[]>;
  readonly terraform?: { readonly backend?: Record<string, Record<string, unknown>> };
  readonly output?: Record<string, { readonly value?: unknown }>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

/** The stack a remote state reads: state files and keys are named <stack>.tfstate. */
export function remoteStateStacks(json: Pick<SynthesizedStackJson, 'data'>): Map<string, string> {
  const result = new Map<string, string>();
  for (const [name, raw] of Object.entries(json.data?.terraform_remote_state ?? {})) {
    const config = (raw.config ?? {}) as Record<string, unknown>;
    const location = String(config.path ?? config.key ?? '');
    const match = /([^/]+)\.tfstate$/.exec(location);
    if (match) result.set(name, match[1]);
  }
  return result;
}

/** Decides whether a resource type takes a `tags` map; see taggableFromConstructs. */
export type TaggablePredicate = (type: string, path: string) => boolean;

type Tags = Record<string, string>;

function stringTags(value: unknown): Tags {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Tags;
}

/** Default tags per provider reference: "aws" for the default provider, "aws.<alias>" for others. */
function defaultTagsByProvider(json: SynthesizedStackJson): Map<string, Tags> {
  const result = new Map<string, Tags>();
  for (const config of json.provider?.aws ?? []) {
    const alias = typeof config.alias === 'string' ? `aws.${config.alias}` : 'aws';
    const blocks = (config.default_tags ?? []) as { tags?: unknown }[];
    result.set(alias, Object.assign({}, ...blocks.map((b) => stringTags(b.tags))) as Tags);
  }
  return result;
}

/**
 * aws_autoscaling_group takes `tag` blocks, not a `tags` map, and provider default tags
 * never reach it: its effective tags are its own blocks.
 */
function autoScalingGroupTags(attrs: Record<string, unknown>): Tags {
  const blocks = Array.isArray(attrs.tag) ? (attrs.tag as { key?: unknown; value?: unknown }[]) : [];
  return Object.fromEntries(
    blocks.filter((b) => typeof b.key === 'string').map((b) => [b.key as string, String(b.value ?? '')]),
  );
}

/** Builds the model rules read from a synthesized stack. */
export function stackModel(name: string, json: SynthesizedStackJson, taggable: TaggablePredicate): StackModel {
  const defaults = defaultTagsByProvider(json);
  const resources: Resource[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [resourceName, raw] of Object.entries(byName)) {
      const { '//': meta, ...attrs } = raw as { '//'?: { metadata?: { path?: string } } } & Record<string, unknown>;
      const address = `${type}.${resourceName}`;
      const path = meta?.metadata?.path ?? `${name}/${resourceName}`;
      const takesTags = taggable(type, path);
      const provider = typeof attrs.provider === 'string' ? attrs.provider.replace(/^\$\{(.*)\}$/, '$1') : 'aws';
      const effectiveTags =
        type === 'aws_autoscaling_group'
          ? autoScalingGroupTags(attrs)
          : takesTags
            ? { ...(defaults.get(provider) ?? {}), ...stringTags(attrs.tags) }
            : {};
      resources.push({ type, name: resourceName, address, path, attrs, taggable: takesTags, effectiveTags });
    }
  }
  return {
    name,
    resources,
    backend: json.terraform?.backend ?? {},
    byAddress: new Map(resources.map((r) => [r.address, r])),
    outputs: new Map(Object.entries(json.output ?? {}).map(([k, v]) => [k, v.value])),
    remoteStates: remoteStateStacks(json),
    data: new Map(
      Object.entries(json.data ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName).map(([n, raw]) => {
          const attrs: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
          delete attrs['//'];
          return [`data.${type}.${n}`, attrs] as const;
        }),
      ),
    ),
  };
}
