export interface EfaInterface {
  readonly networkCardIndex: number;
  readonly deviceIndex: number;
  /** "efa" carries EFA plus ENA (IP traffic); "efa-only" is the RDMA device alone. */
  readonly interfaceType: 'efa' | 'efa-only';
}

/**
 * One EFA interface per network card, cards 0..n-1 with no gaps. Card 0 device 0 is the
 * primary interface and must carry ENA, so it is "efa"; every other card gets an EFA-only
 * interface at device index 0 (EC2 User Guide, "Maximize network bandwidth on Amazon EC2
 * instances with multiple network cards").
 */
export function efaInterfaces(networkCards: number): EfaInterface[] {
  if (!Number.isInteger(networkCards) || networkCards < 1) {
    throw new RangeError(`an EFA instance has at least one network card, not ${networkCards}`);
  }
  return Array.from({ length: networkCards }, (_, card) => ({
    networkCardIndex: card,
    deviceIndex: 0,
    interfaceType: card === 0 ? 'efa' : 'efa-only',
  }));
}
