import { describe, expect, it } from 'vitest';
import { logicalCoupling } from './coupling.js';

describe('logicalCoupling', () => {
  it('divides shared commits by the average revisions of the pair', () => {
    const sets = [new Set(['a', 'b']), new Set(['a', 'b', 'c']), new Set(['a']), new Set(['c', 'b'])];
    expect(logicalCoupling(sets, { minShared: 1, minDegree: 0 })).toEqual(
      [
        { a: 'a', b: 'b', shared: 2, degree: 2 / 3 },
        { a: 'b', b: 'c', shared: 2, degree: 2 / 2.5 },
        { a: 'a', b: 'c', shared: 1, degree: 1 / 2.5 },
      ].sort((x, y) => y.degree - x.degree),
    );
  });

  it('filters by minShared and minDegree', () => {
    const sets = [new Set(['a', 'b']), new Set(['a', 'b']), new Set(['a', 'c'])];
    expect(logicalCoupling(sets, { minShared: 2, minDegree: 0 })).toEqual([{ a: 'a', b: 'b', shared: 2, degree: 2 / 2.5 }]);
    expect(logicalCoupling(sets, { minShared: 1, minDegree: 0.9 })).toEqual([]);
  });
});
