/**
 * The analyzer's boundaries stage: service candidates from the extracted project.
 * `proposeBoundaries(project, options)` is the whole public API; the rest is exported for
 * the benchmark and the tests.
 */
export { proposeBoundaries } from './propose-boundaries.js';
export type { BoundaryOptions } from './options.js';
export { buildCouplingGraph, addImportEdges } from './coupling-graph.js';
export { louvainCommunities } from './louvain.js';
export { modularity, type Communities } from './modularity.js';
export { WeightedGraph } from './weighted-graph.js';
