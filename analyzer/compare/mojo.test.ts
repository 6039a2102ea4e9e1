import { describe, expect, it } from 'vitest';
import { maxMno, mno, mojoDistance, mojoFm } from './mojo.js';

/** A partition from clusters written as strings of one-letter objects: ['ab', 'cd']. */
const partition = (...clusters: string[]): Map<string, string> =>
  new Map(clusters.flatMap((cluster, i) => [...cluster].map((object) => [object, `c${i}`] as [string, string])));

/** Every partition of the given objects (Bell number many). */
function allPartitions(objects: string[]): string[][] {
  const [first, ...rest] = objects;
  if (first === undefined) return [[]];
  const result: string[][] = [];
  for (const smaller of allPartitions(rest)) {
    result.push([first, ...smaller]);
    smaller.forEach((cluster, i) => result.push(smaller.map((other, j) => (i === j ? first + other : other))));
  }
  return result;
}

describe('mno and MoJo', () => {
  it('is 0 for the same partition whatever the labels', () => {
    expect(mno(partition('abc', 'de'), partition('de', 'abc'))).toBe(0);
  });

  it('counts one move for one misplaced object', () => {
    // A = {a,b,c} {d,e}; B = {a,b} {c,d,e}: move c.
    expect(mno(partition('abc', 'de'), partition('ab', 'cde'))).toBe(1);
  });

  it('counts joins when A splits a cluster of B', () => {
    // A = {a} {b} {c,d}; B = {a,b} {c,d}: join a and b.
    expect(mno(partition('a', 'b', 'cd'), partition('ab', 'cd'))).toBe(1);
    // and the other way round one move is needed
    expect(mno(partition('ab', 'cd'), partition('a', 'b', 'cd'))).toBe(1);
  });

  it('resolves tag ties so that as many groups as possible form (maximum matching)', () => {
    // A1 = {a,c} ties between B1 = {a,b} and B2 = {c,d}; A2 = {b} tags B1, A3 = {d} tags B2.
    // Tagging A1 with either gives M = 1; groups: {A1,A2}->B1 and A3->B2 (or the mirror): g = 2, J = 1.
    expect(mno(partition('ac', 'b', 'd'), partition('ab', 'cd'))).toBe(2);
    // A1 = {a,c}, A2 = {b,d}: both tie; the matching tags them apart: M = 2, J = 0.
    expect(mno(partition('ac', 'bd'), partition('ab', 'cd'))).toBe(2);
  });

  it('the MoJo distance is the smaller of the two directions', () => {
    const a = partition('abcd');
    const b = partition('a', 'b', 'c', 'd');
    expect(mno(a, b)).toBe(3);
    expect(mno(b, a)).toBe(3);
    expect(mojoDistance(partition('abc', 'd', 'e'), partition('ab', 'cde'))).toBe(2);
  });

  it('ignores objects that only one side has', () => {
    expect(mno(partition('abz', 'cd'), partition('ab', 'cdy'))).toBe(0);
  });
});

describe('MoJoFM', () => {
  it('n − G(B) is the largest mno any partition has to B (checked against every partition of 6 objects)', () => {
    const objects = [...'abcdef'];
    const targets = [
      partition('abcdef'),
      partition('a', 'b', 'c', 'd', 'e', 'f'),
      partition('ab', 'cd', 'ef'),
      partition('abc', 'd', 'ef'),
      partition('abcde', 'f'),
    ];
    for (const target of targets) {
      const sizes = [...new Set(target.values())].map((label) => [...target.values()].filter((l) => l === label).length);
      const worst = Math.max(...allPartitions(objects).map((clusters) => mno(partition(...clusters), target)));
      expect(maxMno(sizes), JSON.stringify(sizes)).toBe(worst);
    }
  });

  it('is 100 for the expected partition and 0 for the worst one', () => {
    const expected = partition('abc', 'def');
    expect(mojoFm(partition('def', 'abc'), expected)).toBe(100);
    // B = {abc}{def}: sizes [3,3] -> G = 2, max = 4. A = {ad}{be}{cf}: M = 3, J = 1 -> 4.
    expect(mojoFm(partition('ad', 'be', 'cf'), expected)).toBe(0);
    // One object misplaced: 1 − 1/4.
    expect(mojoFm(partition('abcd', 'ef'), expected)).toBe(75);
  });
});
