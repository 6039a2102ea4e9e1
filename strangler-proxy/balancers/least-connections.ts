import type { Balancer, BalancerTarget } from './balancer.js';

/** The candidate with the fewest requests in flight; ties rotate so load spreads. */
export function leastConnections<T extends BalancerTarget>(): Balancer<T> {
  let offset = 0;
  return {
    name: 'least-connections',
    pick(candidates) {
      const count = candidates.length;
      if (count === 0) return undefined;
      offset = (offset + 1) % 0x7fffffff;
      let best: T | undefined;
      for (let step = 0; step < count; step++) {
        const candidate = candidates[(offset + step) % count];
        if (candidate !== undefined && (best === undefined || candidate.inflight < best.inflight)) best = candidate;
      }
      return best;
    },
  };
}
