import type { BalancerName } from '../config/schema.js';
import type { Balancer, BalancerTarget } from './balancer.js';
import { consistentHash } from './consistent-hash.js';
import { leastConnections } from './least-connections.js';
import { p2cEwma } from './p2c-ewma.js';
import { roundRobin } from './round-robin.js';

export type { Balancer, BalancerTarget } from './balancer.js';

export function createBalancer<T extends BalancerTarget>(name: BalancerName, targets: readonly T[]): Balancer<T> {
  switch (name) {
    case 'round-robin':
      return roundRobin();
    case 'least-connections':
      return leastConnections();
    case 'p2c-ewma':
      return p2cEwma();
    case 'consistent-hash':
      return consistentHash(targets);
  }
}
