/**
 * GPU instance types the fabric may use.
 *
 * GPU counts and network-card counts come from the Amazon EC2 User Guide:
 * - "Accelerated computing instance specifications" (GPUs per instance),
 * - "Network specifications – accelerated computing" (maximum network cards),
 * - "Maximize network bandwidth on Amazon EC2 instances with multiple network cards"
 *   (efa-acc-inst-types: card 0 device 0 is the primary EFA with ENA; every further
 *   card carries an EFA-only interface at device index 0).
 * Every card listed here supports EFA, so a launch template puts one EFA
 * interface on each card, indices 0..networkCards-1 with no gaps.
 */
export interface InstanceTypeSpec {
  readonly gpus: number;
  readonly networkCards: number;
  readonly architecture: 'x86_64' | 'arm64';
  readonly gpuModel: string;
}

export const INSTANCE_TYPES = {
  'p4d.24xlarge': { gpus: 8, networkCards: 4, architecture: 'x86_64', gpuModel: 'A100' },
  'p4de.24xlarge': { gpus: 8, networkCards: 4, architecture: 'x86_64', gpuModel: 'A100 80GB' },
  'p5.48xlarge': { gpus: 8, networkCards: 32, architecture: 'x86_64', gpuModel: 'H100' },
  'p5e.48xlarge': { gpus: 8, networkCards: 32, architecture: 'x86_64', gpuModel: 'H200' },
  'p5en.48xlarge': { gpus: 8, networkCards: 16, architecture: 'x86_64', gpuModel: 'H200' },
  'p6-b200.48xlarge': { gpus: 8, networkCards: 8, architecture: 'x86_64', gpuModel: 'B200' },
  // One GB200 NVL72 rack is 18 of these instances (an UltraServer): 72 GPUs.
  'p6e-gb200.36xlarge': { gpus: 4, networkCards: 16, architecture: 'arm64', gpuModel: 'GB200' },
} as const satisfies Record<string, InstanceTypeSpec>;

export type InstanceTypeName = keyof typeof INSTANCE_TYPES;

export const INSTANCE_TYPE_NAMES = Object.keys(INSTANCE_TYPES) as [InstanceTypeName, ...InstanceTypeName[]];

export function instanceTypeSpec(name: InstanceTypeName): InstanceTypeSpec {
  return INSTANCE_TYPES[name];
}
