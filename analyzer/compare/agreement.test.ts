import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, normalizedMutualInformation } from './agreement.js';
import { contingency } from './partition.js';

const partition = (...clusters: string[]): Map<string, string> =>
  new Map(clusters.flatMap((cluster, i) => [...cluster].map((object) => [object, `c${i}`] as [string, string])));

describe('ARI', () => {
  it('is 1 for identical partitions', () => {
    expect(adjustedRandIndex(contingency(partition('abc', 'de'), partition('de', 'abc')))).toBe(1);
  });

  it('matches a hand computation', () => {
    // A = {a,b,c}{d,e,f}, B = {a,b}{c,d}{e,f}. n_ij: [[2,1,0],[0,1,2]] -> Σ C(n_ij,2) = 2.
    // Σ C(a_i,2) = 6, Σ C(b_j,2) = 3, C(6,2) = 15, E = 18/15 = 1.2, max = 4.5.
    // ARI = (2 − 1.2) / (4.5 − 1.2) = 0.8 / 3.3.
    const ari = adjustedRandIndex(contingency(partition('abc', 'def'), partition('ab', 'cd', 'ef')));
    expect(ari).toBeCloseTo(0.8 / 3.3, 10);
  });

  it('is negative when the agreement is worse than chance', () => {
    expect(adjustedRandIndex(contingency(partition('ab', 'cd'), partition('ac', 'bd')))).toBeLessThan(0);
  });
});

describe('NMI', () => {
  it('is 1 for identical partitions and 0 for independent ones', () => {
    expect(normalizedMutualInformation(contingency(partition('abc', 'de'), partition('de', 'abc')))).toBeCloseTo(1, 12);
    // A = {a,b}{c,d}, B = {a,c}{b,d}: every cell 1, I = 0.
    expect(normalizedMutualInformation(contingency(partition('ab', 'cd'), partition('ac', 'bd')))).toBeCloseTo(0, 12);
  });

  it('matches a hand computation', () => {
    // A = {a,b}{c,d}, B = {a,b,c,d}... H(B) = 0 -> 0. A = {a,b,c,d}{}, trivial both -> 1.
    expect(normalizedMutualInformation(contingency(partition('ab', 'cd'), partition('abcd')))).toBe(0);
    // A = {a,b}{c,d}, B = {a}{b}{c,d}: H(A) = ln 2, H(B) = 1.5 ln 2, I = ln 2 (A is a function of B).
    const nmi = normalizedMutualInformation(contingency(partition('ab', 'cd'), partition('a', 'b', 'cd')));
    expect(nmi).toBeCloseTo(1 / Math.sqrt(1.5), 10);
  });
});
