/**
 * MoJo distance and MoJoFM.
 *
 * MoJo (Tzerpos & Holt, "MoJo: A distance metric for software clusterings", WCRE 1999) is
 * the least number of Move and Join operations that turn partition A into partition B.
 * We compute it exactly with the algorithm of Wen & Tzerpos ("An optimal algorithm for MoJo
 * distance", IWPC 2003): tag every cluster A_i with the cluster(s) B_j holding most of its
 * objects; the objects of A_i outside its tag are moved (M = Σ_i |A_i| − max_j |A_i ∩ B_j|),
 * and clusters sharing a tag are joined (J = l − g, l = clusters of A, g = groups). Ties are
 * resolved so that g is as large as possible: g is a maximum matching in the bipartite graph
 * of A clusters to their possible tags. mno(A, B) = M + J; MoJo(A, B) = min(mno(A, B), mno(B, A)).
 *
 * MoJoFM (Wen & Tzerpos, "An effectiveness measure for software clustering algorithms",
 * IWPC 2004) = (1 − mno(A, B) / max_X mno(X, B)) × 100, where the largest mno any partition
 * X can have to B is n − G(B): with the cluster sizes of B sorted ascending, b_0 ≤ b_1 ≤ …,
 * G(B) is the number of indices i with b_i > i (the most groups a worst X can still form).
 * The unit tests check that bound against every partition of small sets.
 */
import { contingency, transpose, type Contingency, type Partition } from './partition.js';

/** Maximum bipartite matching (Kuhn's augmenting paths): rows to one of their allowed columns. */
function maximumMatching(allowed: number[][], columns: number): number {
  const matchOfColumn = new Array<number>(columns).fill(-1);
  const tryRow = (row: number, seen: boolean[]): boolean => {
    for (const column of allowed[row] ?? []) {
      if (seen[column]) continue;
      seen[column] = true;
      const owner = matchOfColumn[column] ?? -1;
      if (owner === -1 || tryRow(owner, seen)) {
        matchOfColumn[column] = row;
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let row = 0; row < allowed.length; row++) {
    if (tryRow(row, new Array<boolean>(columns).fill(false))) matched++;
  }
  return matched;
}

/** mno(A, B) from the contingency table with A as rows and B as columns. */
export function mnoFromTable(table: Contingency): number {
  let moves = 0;
  const tags: number[][] = [];
  table.counts.forEach((row, i) => {
    const best = Math.max(0, ...row);
    moves += (table.rowSizes[i] ?? 0) - best;
    tags.push(row.flatMap((count, j) => (count === best && best > 0 ? [j] : [])));
  });
  const groups = maximumMatching(tags, table.columns.length);
  return moves + table.rows.length - groups;
}

/** Moves and joins that turn `a` into `b` (objects in only one of them are ignored). */
export function mno(a: Partition, b: Partition): number {
  return mnoFromTable(contingency(a, b));
}

export function mojoDistance(a: Partition, b: Partition): number {
  const table = contingency(a, b);
  return Math.min(mnoFromTable(table), mnoFromTable(transpose(table)));
}

/** The largest mno(X, B) over all partitions X of B's n objects: n − G(B). */
export function maxMno(clusterSizes: readonly number[]): number {
  const sorted = clusterSizes.filter((size) => size > 0).sort((x, y) => x - y);
  const n = sorted.reduce((sum, size) => sum + size, 0);
  const groups = sorted.filter((size, i) => size > i).length;
  return n - groups;
}

/** MoJoFM of `actual` against `expected`, in [0, 100]; 100 when they are the same. */
export function mojoFm(actual: Partition, expected: Partition): number {
  const table = contingency(actual, expected);
  const worst = maxMno(table.columnSizes);
  if (worst === 0) return 100;
  return (1 - mnoFromTable(table) / worst) * 100;
}
