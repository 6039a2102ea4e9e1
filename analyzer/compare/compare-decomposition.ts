/**
 * Scores a proposed decomposition against an expected one (`--compare`). Both are flat
 * partitions of modules; the shared kernel is one more cluster on each side (label
 * "shared"). Only modules present on both sides are compared: a file the expected list
 * does not mention (a script, a file added later) neither helps nor hurts.
 */
import type { Boundaries, ComparisonScores, ExpectedBoundaries } from '../model.js';
import { adjustedRandIndex, normalizedMutualInformation } from './agreement.js';
import { mnoFromTable, mojoFm } from './mojo.js';
import { contingency, type Partition } from './partition.js';

export const SHARED_LABEL = 'shared';

/** The expected decomposition as a partition: module -> candidate id, or "shared". */
export function expectedPartition(expected: ExpectedBoundaries): Map<string, string> {
  const partition = new Map<string, string>();
  for (const path of expected.sharedKernel ?? []) partition.set(path, SHARED_LABEL);
  for (const candidate of expected.candidates) {
    for (const path of candidate.modules) partition.set(path, candidate.id === SHARED_LABEL ? `${SHARED_LABEL}-candidate` : candidate.id);
  }
  return partition;
}

const clusterCount = (labels: readonly string[]): number => labels.filter((label) => label !== SHARED_LABEL).length;

/** Scores of `actual` against `expected`, both module -> cluster label ("shared" for the kernel). */
export function comparePartitions(actual: Partition, expected: Partition): ComparisonScores {
  const table = contingency(actual, expected);
  return {
    mojoFm: mojoFm(actual, expected),
    ari: adjustedRandIndex(table),
    nmi: normalizedMutualInformation(table),
    candidates: { actual: clusterCount(table.rows), expected: clusterCount(table.columns) },
    compared: table.n,
    moves: mnoFromTable(table),
  };
}

export function compareDecomposition(actual: Pick<Boundaries, 'assignment'>, expected: ExpectedBoundaries): ComparisonScores {
  return comparePartitions(new Map(Object.entries(actual.assignment)), expectedPartition(expected));
}
