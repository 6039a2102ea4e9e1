/**
 * Pair- and information-based agreement of two partitions, from their contingency table.
 *
 * ARI: the Adjusted Rand Index of Hubert & Arabie ("Comparing partitions", Journal of
 * Classification 2, 1985): (Σ_ij C(n_ij,2) − E) / (½(Σ_i C(a_i,2) + Σ_j C(b_j,2)) − E) with
 * E = Σ_i C(a_i,2) · Σ_j C(b_j,2) / C(n,2). 1 for identical partitions, ~0 for chance.
 *
 * NMI: normalized mutual information with the geometric-mean normalization of Strehl &
 * Ghosh ("Cluster ensembles", JMLR 3, 2002): I(A;B) / √(H(A)·H(B)), natural logarithms.
 */
import type { Contingency } from './partition.js';

const pairs = (k: number): number => (k * (k - 1)) / 2;

export function adjustedRandIndex(table: Contingency): number {
  if (table.n < 2) return 1;
  const index = table.counts.flat().reduce((sum, count) => sum + pairs(count), 0);
  const rowPairs = table.rowSizes.reduce((sum, size) => sum + pairs(size), 0);
  const columnPairs = table.columnSizes.reduce((sum, size) => sum + pairs(size), 0);
  const expected = (rowPairs * columnPairs) / pairs(table.n);
  const maximum = (rowPairs + columnPairs) / 2;
  // Both partitions trivial the same way (all singletons, or one cluster each): identical.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

function entropy(sizes: readonly number[], n: number): number {
  return -sizes.reduce((sum, size) => (size > 0 ? sum + (size / n) * Math.log(size / n) : sum), 0);
}

export function normalizedMutualInformation(table: Contingency): number {
  const n = table.n;
  if (n === 0) return 1;
  const hA = entropy(table.rowSizes, n);
  const hB = entropy(table.columnSizes, n);
  if (hA === 0 && hB === 0) return 1;
  if (hA === 0 || hB === 0) return 0;
  let mutual = 0;
  table.counts.forEach((row, i) => {
    row.forEach((count, j) => {
      if (count === 0) return;
      const a = table.rowSizes[i] ?? 0;
      const b = table.columnSizes[j] ?? 0;
      mutual += (count / n) * Math.log((n * count) / (a * b));
    });
  });
  return mutual / Math.sqrt(hA * hB);
}
