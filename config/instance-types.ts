/**
 * GPU instance types the fabric may use, as EC2 describes and sells them.
 *
 * Each row records what DescribeInstanceTypes reports for the type (NetworkInfo:
 * MaximumNetworkCards, EfaInfo.MaximumEfaInterfaces, and per NetworkCards[] entry its
 * MaximumNetworkInterfaces; API reference "NetworkInfo", "NetworkCardInfo"), plus how AWS sells
 * capacity for it. Every fact names its source in `sources`. A fact we could not confirm from
 * AWS's documentation or AWS's own code is listed in `unconfirmed`; config refuses such a type
 * (config/fabric-rules.ts) rather than build a launch template on a guess. The longer table,
 * with every source, is docs/instance-types.md.
 */

/** How EC2 sells capacity for a type. */
export type CapacityModel =
  /** On-Demand Capacity Reservation (aws_ec2_capacity_reservation), open-ended. */
  | 'on-demand-reservation'
  /** Capacity Blocks for ML: a dated reservation bought at a fixed price, never by Terraform here. */
  | 'capacity-block';

export interface NetworkCardFacts {
  /** NetworkCardInfo.MaximumNetworkInterfaces: device indexes 0..maxInterfaces-1 exist. */
  readonly maxInterfaces: number;
  /** Whether the card accepts an EFA (efa or efa-only) interface. */
  readonly efa: boolean;
  /** Whether the card accepts an ENA (IP) interface. */
  readonly ena: boolean;
}

export interface UltraServerFacts {
  /** The UltraServer type Capacity Blocks sell, such as u-p6e-gb200x72. */
  readonly type: string;
  /** Instances in one UltraServer: they share one NVLink domain. */
  readonly instances: number;
}

export interface InstanceTypeSpec {
  readonly gpus: number;
  readonly gpuModel: string;
  readonly architecture: 'x86_64' | 'arm64';
  /** NetworkInfo.MaximumNetworkCards. */
  readonly maxNetworkCards: number;
  /** NetworkInfo.EfaInfo.MaximumEfaInterfaces. */
  readonly maxEfaInterfaces: number;
  /** NetworkInfo.NetworkCards, indexed by NetworkCardIndex. */
  readonly cards: readonly NetworkCardFacts[];
  /** Ways AWS sells capacity for the type. */
  readonly capacity: readonly CapacityModel[];
  /** Set where the type is sold only as UltraServers: an SU then holds whole ones. */
  readonly ultraServer?: UltraServerFacts;
  /** Where each fact comes from: fact name -> page title and address. */
  readonly sources: Readonly<Record<string, string>>;
  /** Facts not confirmed from AWS's documentation; a type with any is refused by config. */
  readonly unconfirmed: readonly string[];
}

// Sources, by the page titles the EC2 User Guide and AWS's repositories use.
const GUIDE_MULTI_CARD =
  'EC2 User Guide, "Maximize network bandwidth on Amazon EC2 instances with multiple network cards" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html)';
const GUIDE_EFA =
  'EC2 User Guide, "Elastic Fabric Adapter", supported instance types (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html)';
// GPU counts are carried over from the project's earlier record of this page; the search tools
// did not return its text this time (see docs/instance-types.md).
const GUIDE_ACCELERATED =
  'EC2 Instance Types guide, "Accelerated computing instances" specifications (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html)';
const GUIDE_CAPACITY_BLOCKS =
  'EC2 User Guide, "Capacity Blocks for ML" and "Launch instances using Capacity Blocks" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/capacity-blocks-launch.html)';
const GUIDE_ODCR =
  'EC2 User Guide, "On-Demand Capacity Reservations" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-capacity-reservations.html)';
const PCS_ULTRASERVER =
  'AWS PCS User Guide, "Configure UltraServer instances" (https://docs.aws.amazon.com/pcs/latest/userguide/capacity-blocks-nvidia-imex.html)';
const SAGEMAKER_ULTRASERVER =
  'SageMaker API reference, "UltraServer": instances within a shared NVLink interconnect domain, type ml.u-p6e-gb200x72 (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UltraServer.html)';
const P5_CARD_LIMIT =
  'EC2 RunInstances error quoted in eksctl-io/eksctl#7520: "The maximum devices for this network card is 2" on p5.48xlarge (https://github.com/eksctl-io/eksctl/issues/7520)';
const PCLUSTER_GB200 =
  'aws/aws-parallelcluster#6930, launch-template code for p6e-gb200 by AWS maintainers: 17 network cards, MaximumNetworkInterfaces 2 on even cards and 1 on odd cards, odd cards usable only as efa-only, primary not EFA (https://github.com/aws/aws-parallelcluster/pull/6930)';
const PCLUSTER_CARD0 =
  'aws/aws-parallelcluster#7262 ("Move EFA default from combined efa to interface + efa-only"): card 0 is taken to lack EFA when MaximumEfaInterfaces < MaximumNetworkCards (https://github.com/aws/aws-parallelcluster/pull/7262)';
const GB200_DESCRIBE =
  'aws ec2 describe-instance-types output quoted in NVIDIA/aicr#1256: p6e-gb200.36xlarge 4 GPUs, 17 network cards, 16 maximum EFA (https://github.com/NVIDIA/aicr/issues/1256)';

/** n cards, all alike: the usual shape of a P-family instance. */
function uniformCards(n: number, card: NetworkCardFacts): NetworkCardFacts[] {
  return Array.from({ length: n }, () => card);
}

export const INSTANCE_TYPES = {
  'p4d.24xlarge': {
    gpus: 8,
    gpuModel: 'A100',
    architecture: 'x86_64',
    maxNetworkCards: 4,
    maxEfaInterfaces: 4,
    cards: uniformCards(4, { maxInterfaces: 1, efa: true, ena: true }),
    capacity: ['on-demand-reservation', 'capacity-block'],
    sources: {
      gpus: GUIDE_ACCELERATED,
      maxEfaInterfaces: GUIDE_EFA,
      capacity: `${GUIDE_ODCR}; ${GUIDE_CAPACITY_BLOCKS}`,
    },
    unconfirmed: [
      'MaximumNetworkInterfaces per network card (needed for card 0 device 1); the value above is a placeholder',
      'MaximumNetworkCards 4: found only in third-party tables',
    ],
  },
  'p4de.24xlarge': {
    gpus: 8,
    gpuModel: 'A100 80GB',
    architecture: 'x86_64',
    maxNetworkCards: 4,
    maxEfaInterfaces: 4,
    cards: uniformCards(4, { maxInterfaces: 1, efa: true, ena: true }),
    capacity: ['capacity-block'],
    sources: { gpus: GUIDE_ACCELERATED, capacity: GUIDE_CAPACITY_BLOCKS },
    unconfirmed: [
      'MaximumNetworkCards and MaximumEfaInterfaces: found only in third-party tables',
      'MaximumNetworkInterfaces per network card; the value above is a placeholder',
      'whether On-Demand Capacity Reservations are sold',
    ],
  },
  'p5.48xlarge': {
    gpus: 8,
    gpuModel: 'H100',
    architecture: 'x86_64',
    maxNetworkCards: 32,
    maxEfaInterfaces: 32,
    // Card 0 supports EFA on every P5: the guide's example asks for 32 EFA devices and one ENA device.
    cards: uniformCards(32, { maxInterfaces: 2, efa: true, ena: true }),
    capacity: ['on-demand-reservation', 'capacity-block'],
    sources: {
      maxNetworkCards: GUIDE_MULTI_CARD,
      maxEfaInterfaces: GUIDE_MULTI_CARD,
      cards: `${GUIDE_MULTI_CARD} (EFA configuration for P5 and P5e); ${P5_CARD_LIMIT}`,
      gpus: GUIDE_ACCELERATED,
      capacity: `${GUIDE_ODCR}; ${GUIDE_CAPACITY_BLOCKS}`,
    },
    unconfirmed: [],
  },
  'p5e.48xlarge': {
    gpus: 8,
    gpuModel: 'H200',
    architecture: 'x86_64',
    maxNetworkCards: 32,
    maxEfaInterfaces: 32,
    cards: uniformCards(32, { maxInterfaces: 2, efa: true, ena: true }),
    capacity: ['capacity-block'],
    sources: {
      maxNetworkCards: `${GUIDE_MULTI_CARD} ("P5 and P5e instances support up to 32 network cards")`,
      maxEfaInterfaces: GUIDE_MULTI_CARD,
      cards: `${GUIDE_MULTI_CARD} (EFA configuration for P5 and P5e: device index 1 on cards 1-31, so each card takes two)`,
      gpus: GUIDE_ACCELERATED,
      capacity: GUIDE_CAPACITY_BLOCKS,
    },
    // On-Demand Capacity Reservations for p5e are not confirmed, so only Capacity Blocks are listed.
    unconfirmed: [],
  },
  'p5en.48xlarge': {
    gpus: 8,
    gpuModel: 'H200',
    architecture: 'x86_64',
    maxNetworkCards: 16,
    maxEfaInterfaces: 16,
    cards: uniformCards(16, { maxInterfaces: 1, efa: true, ena: true }),
    capacity: ['capacity-block'],
    sources: { gpus: GUIDE_ACCELERATED, capacity: GUIDE_CAPACITY_BLOCKS },
    unconfirmed: [
      'MaximumNetworkCards and MaximumEfaInterfaces 16: found only in third-party tables',
      'MaximumNetworkInterfaces per network card; the value above is a placeholder',
      'whether card 0 supports EFA',
    ],
  },
  'p6-b200.48xlarge': {
    gpus: 8,
    gpuModel: 'B200',
    architecture: 'x86_64',
    maxNetworkCards: 8,
    maxEfaInterfaces: 8,
    cards: uniformCards(8, { maxInterfaces: 1, efa: true, ena: true }),
    capacity: ['capacity-block'],
    sources: { gpus: GUIDE_ACCELERATED, capacity: GUIDE_CAPACITY_BLOCKS },
    unconfirmed: [
      'MaximumNetworkCards and MaximumEfaInterfaces: sources disagree (eksctl-io/eksctl#8692 fixes p6-b200 for MaximumNetworkCards above MaximumEfaInterfaces)',
      'MaximumNetworkInterfaces per network card, and whether card 0 supports EFA',
    ],
  },
  // One UltraServer (GB200 NVL72) is 18 of these instances, 72 GPUs in one NVLink domain.
  'p6e-gb200.36xlarge': {
    gpus: 4,
    gpuModel: 'GB200',
    architecture: 'arm64',
    maxNetworkCards: 17,
    maxEfaInterfaces: 16,
    // Card 0: ENA only (16 EFA on 17 cards). Even cards take two interfaces, ENA or EFA; odd
    // cards take one, and only EFA-only.
    cards: Array.from({ length: 17 }, (_, index) =>
      index === 0
        ? { maxInterfaces: 2, efa: false, ena: true }
        : index % 2 === 0
          ? { maxInterfaces: 2, efa: true, ena: true }
          : { maxInterfaces: 1, efa: true, ena: false },
    ),
    capacity: ['capacity-block'],
    ultraServer: { type: 'u-p6e-gb200x72', instances: 18 },
    sources: {
      gpus: `${GB200_DESCRIBE}; ${GUIDE_ACCELERATED}`,
      architecture: `${PCS_ULTRASERVER} (Grace Arm CPUs); ${GB200_DESCRIBE}`,
      maxNetworkCards: `${PCLUSTER_GB200}; ${GB200_DESCRIBE}`,
      maxEfaInterfaces: GB200_DESCRIBE,
      cards: `${PCLUSTER_GB200}; ${PCLUSTER_CARD0}; ${GUIDE_MULTI_CARD} ("if the network card index 0 supports EFA")`,
      capacity: `${GUIDE_CAPACITY_BLOCKS} ("P6e-GB200 UltraServer Capacity Blocks"); ${PCS_ULTRASERVER} (UltraServer instances use a Capacity Block)`,
      ultraServer: `${SAGEMAKER_ULTRASERVER}; 72 GPUs / 4 per instance = 18 instances`,
    },
    unconfirmed: [],
  },
} as const satisfies Record<string, InstanceTypeSpec>;

export type InstanceTypeName = keyof typeof INSTANCE_TYPES;

export const INSTANCE_TYPE_NAMES = Object.keys(INSTANCE_TYPES) as [InstanceTypeName, ...InstanceTypeName[]];

export function instanceTypeSpec(name: InstanceTypeName): InstanceTypeSpec {
  return INSTANCE_TYPES[name];
}
