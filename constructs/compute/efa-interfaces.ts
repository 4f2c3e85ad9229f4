/** What DescribeInstanceTypes says about one network card, as far as the layout needs it. */
export interface CardFacts {
  readonly maxInterfaces: number;
  readonly efa: boolean;
  readonly ena: boolean;
}

/** The network facts of an instance type the layout is derived from. */
export interface NetworkFacts {
  readonly maxEfaInterfaces: number;
  readonly cards: readonly CardFacts[];
}

export interface NetworkInterfaceSlot {
  readonly networkCardIndex: number;
  readonly deviceIndex: number;
  /** "interface" is ENA alone (the primary, IP traffic); "efa-only" is the RDMA device alone. */
  readonly interfaceType: 'interface' | 'efa-only';
}

/**
 * The launch template's interfaces, as the EC2 User Guide recommends ("Maximize network
 * bandwidth on Amazon EC2 instances with multiple network cards"):
 * - the primary, card 0 device 0, is an ENA interface (an EFA-only interface cannot be primary);
 * - if card 0 supports EFA, an EFA-only interface at card 0 device 1;
 * - on every other card that supports EFA, an EFA-only interface at device 0.
 * Per-type patterns (GB200: card 0 without EFA, odd cards EFA-only with one interface) come in
 * through the card facts. The result must use every EFA interface the type has, and no card
 * beyond what it allows; otherwise the facts contradict each other and this throws.
 */
export function efaInterfaces(facts: NetworkFacts): NetworkInterfaceSlot[] {
  const [card0] = facts.cards;
  if (!card0 || !card0.ena || card0.maxInterfaces < 1) {
    throw new RangeError('card 0 must take an ENA interface at device 0: it is the primary interface');
  }
  const slots: NetworkInterfaceSlot[] = [{ networkCardIndex: 0, deviceIndex: 0, interfaceType: 'interface' }];
  facts.cards.forEach((card, index) => {
    if (!card.efa) return;
    const deviceIndex = index === 0 ? 1 : 0;
    if (deviceIndex >= card.maxInterfaces) {
      throw new RangeError(
        `card ${index} takes ${card.maxInterfaces} interface(s), so it has no device index ${deviceIndex} for its EFA-only interface`,
      );
    }
    slots.push({ networkCardIndex: index, deviceIndex, interfaceType: 'efa-only' });
  });
  const efa = slots.length - 1;
  if (efa !== facts.maxEfaInterfaces) {
    throw new RangeError(
      `the cards support ${efa} EFA interface(s) but the type reports MaximumEfaInterfaces ${facts.maxEfaInterfaces}`,
    );
  }
  return slots;
}
