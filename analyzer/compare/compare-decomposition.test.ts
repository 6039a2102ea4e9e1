import { describe, expect, it } from 'vitest';
import type { ExpectedBoundaries } from '../model.js';
import { compareDecomposition } from './compare-decomposition.js';

const expected: ExpectedBoundaries = {
  candidates: [
    { id: 'catalog', modules: ['src/catalog/a.ts', 'src/catalog/b.ts', 'src/catalog/c.ts'] },
    { id: 'orders', modules: ['src/orders/a.ts', 'src/orders/b.ts'] },
  ],
  sharedKernel: ['src/lib/db.ts', 'src/app.ts'],
};

describe('compareDecomposition', () => {
  it('scores a perfect match 100 / 1 / 1 whatever the candidate ids', () => {
    const scores = compareDecomposition(
      {
        assignment: {
          'src/catalog/a.ts': 'products',
          'src/catalog/b.ts': 'products',
          'src/catalog/c.ts': 'products',
          'src/orders/a.ts': 'checkout',
          'src/orders/b.ts': 'checkout',
          'src/lib/db.ts': 'shared',
          'src/app.ts': 'shared',
          'scripts/seed.ts': 'checkout',
        },
      },
      expected,
    );
    expect(scores).toEqual({ mojoFm: 100, ari: 1, nmi: 1, candidates: { actual: 2, expected: 2 }, compared: 7, moves: 0 });
  });

  it('treats the shared kernel as one cluster on both sides', () => {
    // app.ts forced into orders: one move. Expected sizes sorted [2,2,3]: G = 3 (2>0, 2>1, 3>2), n − G = 7 − 3 = 4.
    const scores = compareDecomposition(
      {
        assignment: {
          'src/catalog/a.ts': 'catalog',
          'src/catalog/b.ts': 'catalog',
          'src/catalog/c.ts': 'catalog',
          'src/orders/a.ts': 'orders',
          'src/orders/b.ts': 'orders',
          'src/lib/db.ts': 'shared',
          'src/app.ts': 'orders',
        },
      },
      expected,
    );
    expect(scores.moves).toBe(1);
    expect(scores.mojoFm).toBe(75);
    expect(scores.candidates).toEqual({ actual: 2, expected: 2 });
  });
});
