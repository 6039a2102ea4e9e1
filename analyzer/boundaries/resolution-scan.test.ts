import { describe, expect, it } from 'vitest';
import { chooseResolution, nonExtremeShare } from './resolution-scan.js';
import { WeightedGraph } from './weighted-graph.js';

/** A partition of `sizes.length` communities with the given sizes. */
function partition(sizes: number[]): Map<string, number> {
  return new Map(sizes.flatMap((size, c) => Array.from({ length: size }, (_, i): [string, number] => [`c${c}-${i}`, c])));
}

describe('resolution scan', () => {
  it('measures the share of files in candidates outside 5..20 files', () => {
    expect(nonExtremeShare(partition([5, 20, 10]))).toBe(0);
    // 4 + 21 files of 35 in extreme candidates.
    expect(nonExtremeShare(partition([4, 21, 10]))).toBeCloseTo(25 / 35, 12);
  });

  it('keeps the resolution whose candidates have good sizes', () => {
    const byResolution = new Map([
      [1, partition([40])],
      [2, partition([20, 20])],
      [3, partition([10, 10, 10, 6, 2, 2])],
    ]);
    const graph = new WeightedGraph([...(byResolution.get(1)?.keys() ?? [])]);
    const seen: number[] = [];
    const choice = chooseResolution(
      graph,
      (resolution) => {
        seen.push(resolution);
        return byResolution.get(resolution) ?? new Map();
      },
      [1, 2, 3],
      undefined,
    );
    expect(choice.resolution).toBe(2);
    // Every file already in a good-sized candidate at 2: nothing finer is tried.
    expect(seen).toEqual([1, 2]);
  });

  it('with a forced count, keeps the smallest partition at or above it', () => {
    const byResolution = new Map([
      [1, partition([20, 20])],
      [2, partition([10, 10, 10, 10])],
      [3, partition([8, 8, 8, 8, 8])],
    ]);
    const graph = new WeightedGraph([...(byResolution.get(1)?.keys() ?? [])]);
    const choice = chooseResolution(graph, (resolution) => byResolution.get(resolution) ?? new Map(), [1, 2, 3], 3);
    expect(choice.resolution).toBe(2);
  });
});
