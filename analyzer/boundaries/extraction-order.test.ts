import { describe, expect, it } from 'vitest';
import type { Candidate } from '../model.js';
import { extractionOrder } from './extraction-order.js';

const candidate = (id: string, files: number, dependsOn: Array<[string, number]> = []): Candidate => ({
  id,
  name: id,
  modules: [],
  routes: [],
  tables: [],
  dependsOn: dependsOn.map(([target, edges]) => ({ candidate: target, edges })),
  metrics: { files, loc: files * 10, cohesion: 1 },
});

describe('extractionOrder', () => {
  it('takes first what nothing still in the monolith depends on, then what shares fewest tables', () => {
    const steps = extractionOrder(
      [
        candidate('catalog', 8),
        candidate('orders', 6, [['catalog', 3]]),
        candidate('reviews', 4, [['catalog', 1]]),
        candidate('shipping', 5, [['orders', 2]]),
      ],
      [{ table: 'shipments', writers: ['orders', 'shipping'], readers: [] }],
    );
    // reviews and shipping have no callers; shipping shares a table, so reviews goes first.
    expect(steps.map((step) => step.candidate)).toEqual(['reviews', 'shipping', 'orders', 'catalog']);
    expect(steps[0]?.reason).toBe(
      'Step 1: no candidate still in the monolith depends on it; it shares no table with another candidate; 4 files. 3 candidates after it.',
    );
    expect(steps[1]?.reason).toContain('it shares 1 table (shipments)');
    expect(steps[3]?.reason).toContain('Last one left.');
  });

  it('says how many candidates depend on it when every choice has callers (a cycle)', () => {
    const steps = extractionOrder([candidate('a', 3, [['b', 4]]), candidate('b', 3, [['a', 1]])], []);
    // Both have one caller and no shared table; a is imported less (1 import against 4).
    expect(steps.map((step) => step.candidate)).toEqual(['a', 'b']);
    expect(steps[0]?.reason).toContain('1 candidate still in the monolith depends on it (b; 1 import)');
  });
});
