import { describe, expect, it } from 'vitest';
import { candidateCycles, stronglyConnectedComponents } from './cycles.js';

const graph = new Map<string, string[]>([
  ['cart', ['orders']],
  ['orders', ['payments', 'cart']],
  ['payments', ['orders']],
  ['catalog', []],
  ['shipping', ['orders']],
]);

describe('cycles between candidates', () => {
  it('finds the strongly connected components (Tarjan)', () => {
    expect(stronglyConnectedComponents(graph)).toEqual([['cart', 'orders', 'payments'], ['catalog'], ['shipping']]);
  });

  it('lists each cycle once, starting and ending at its smallest id', () => {
    expect(candidateCycles(graph)).toEqual([
      ['cart', 'orders', 'cart'],
      ['orders', 'payments', 'orders'],
    ]);
  });

  it('finds a three-candidate ring', () => {
    const ring = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(candidateCycles(ring)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
