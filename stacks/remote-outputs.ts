import type { TerraformRemoteState } from 'cdktf';

/**
 * Another stack's outputs, read through remote state. It records which outputs a stack
 * reads so that the offline target can give each one a placeholder default: offline, the
 * upstream state is empty, and Terraform would otherwise fail on the missing attribute.
 * Convention: an output whose name ends in _arn holds an ARN, _ids a list, _count a number.
 */
export class RemoteOutputs {
  private readonly names = new Set<string>();

  constructor(
    readonly state: TerraformRemoteState,
    private readonly placeholderArnPrefix: string,
  ) {}

  getString(name: string): string {
    this.names.add(name);
    return this.state.getString(name);
  }

  getList(name: string): string[] {
    this.names.add(name);
    return this.state.getList(name);
  }

  getNumber(name: string): number {
    this.names.add(name);
    return this.state.getNumber(name);
  }

  /** A value of the right shape for every output read so far. */
  placeholders(): Record<string, unknown> {
    return Object.fromEntries(
      [...this.names].sort().map((name) => [name, placeholderFor(name, this.placeholderArnPrefix)]),
    );
  }
}

export function placeholderFor(name: string, arnPrefix: string): unknown {
  if (name.endsWith('_ids')) return [`offline-${name}`];
  if (name.endsWith('_count')) return 0;
  if (name.endsWith('_arn')) return `${arnPrefix}offline-${name.replace(/_/g, '-')}`;
  return `offline-${name.replace(/_/g, '-')}`;
}
