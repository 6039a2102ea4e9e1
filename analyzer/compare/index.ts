/**
 * Scoring a decomposition against a reference one: MoJoFM, ARI, NMI and candidate counts.
 */
export { compareDecomposition, comparePartitions, expectedPartition, SHARED_LABEL } from './compare-decomposition.js';
export { maxMno, mno, mojoDistance, mojoFm } from './mojo.js';
export { adjustedRandIndex, normalizedMutualInformation } from './agreement.js';
export { contingency, type Contingency, type Partition } from './partition.js';
