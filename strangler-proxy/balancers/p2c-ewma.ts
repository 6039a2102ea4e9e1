import type { Balancer, BalancerTarget } from './balancer.js';

/**
 * Power of two choices (Mitzenmacher) on a latency score: two random candidates, the one
 * with the lower EWMA latency × (requests in flight + 1) wins. `random` is injectable.
 */
export function p2cEwma<T extends BalancerTarget>(random: () => number = Math.random): Balancer<T> {
  const score = (target: T): number => (target.ewmaMs + 1) * (target.inflight + 1);
  return {
    name: 'p2c-ewma',
    pick(candidates) {
      const count = candidates.length;
      if (count <= 1) return candidates[0];
      const first = Math.floor(random() * count);
      let second = Math.floor(random() * (count - 1));
      if (second >= first) second++;
      const a = candidates[first];
      const b = candidates[second];
      if (a === undefined || b === undefined) return a ?? b;
      return score(b) < score(a) ? b : a;
    },
  };
}
