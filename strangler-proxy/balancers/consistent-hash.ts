import { fnv1a } from '../router/sticky-hash.js';
import type { Balancer, BalancerTarget } from './balancer.js';

const VIRTUAL_NODES = 160;

/**
 * A hash ring (Karger et al.) over all targets, with virtual nodes so keys spread evenly.
 * A key goes to the first available target clockwise from its hash, so losing one target
 * only moves that target's keys. Without a key it falls back to rotating.
 */
export function consistentHash<T extends BalancerTarget>(targets: readonly T[]): Balancer<T> {
  const ring: Array<{ point: number; target: T }> = [];
  for (const target of targets) {
    for (let replica = 0; replica < VIRTUAL_NODES; replica++) ring.push({ point: fnv1a(`${target.key}#${replica}`), target });
  }
  ring.sort((a, b) => a.point - b.point);
  let rotate = 0;

  const firstAtOrAfter = (point: number): number => {
    let low = 0;
    let high = ring.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((ring[middle]?.point ?? 0) < point) low = middle + 1;
      else high = middle;
    }
    return low % ring.length;
  };

  return {
    name: 'consistent-hash',
    pick(candidates, hashKey) {
      if (candidates.length === 0) return undefined;
      if (hashKey === undefined || ring.length === 0) {
        rotate = (rotate + 1) % 0x7fffffff;
        return candidates[rotate % candidates.length];
      }
      const start = firstAtOrAfter(fnv1a(hashKey));
      for (let step = 0; step < ring.length; step++) {
        const node = ring[(start + step) % ring.length];
        if (node !== undefined && candidates.includes(node.target)) return node.target;
      }
      // A candidate the ring was not built over: still answer with something valid.
      return candidates[0];
    },
  };
}
