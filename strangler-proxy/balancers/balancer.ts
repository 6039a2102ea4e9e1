/**
 * One interface for every load balancer (STYLE.md habit 7); balancer.contract.test.ts runs
 * the same contract against each. A balancer is built over all of a service's instances
 * and, per request, picks from the ones currently available.
 */
export interface BalancerTarget {
  /** Stable identity (the instance URL). */
  readonly key: string;
  readonly inflight: number;
  /** Smoothed latency in ms (0 when unknown). */
  readonly ewmaMs: number;
}

export interface Balancer<T extends BalancerTarget> {
  readonly name: string;
  /**
   * Picks one of `candidates` (a subset of the targets the balancer was built over), or
   * undefined when there is none. `hashKey` identifies the client (used by consistent-hash).
   */
  pick(candidates: readonly T[], hashKey: string | undefined): T | undefined;
}
