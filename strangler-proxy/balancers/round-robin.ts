import type { Balancer, BalancerTarget } from './balancer.js';

/** Each candidate in turn. */
export function roundRobin<T extends BalancerTarget>(): Balancer<T> {
  let next = 0;
  return {
    name: 'round-robin',
    pick(candidates) {
      if (candidates.length === 0) return undefined;
      next = (next + 1) % 0x7fffffff;
      return candidates[next % candidates.length];
    },
  };
}
