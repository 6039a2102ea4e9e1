/**
 * Louvain community detection (Blondel et al., "Fast unfolding of communities in large
 * networks", J. Stat. Mech. 2008) through graphology-communities-louvain, seeded so the
 * result is the same on every run. Several seeds are tried and the partition with the
 * highest modularity kept, which smooths out Louvain's order dependence.
 */
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import { modularity, normalizeCommunities, type Communities } from './modularity.js';
import { seededRandom } from './seeded-random.js';
import type { WeightedGraph } from './weighted-graph.js';

export interface LouvainOptions {
  resolution: number;
  seed: number;
  /** Seeds tried (seed, seed + 1, …). Default 5. */
  runs?: number;
}

/**
 * The package is CommonJS (`module.exports = louvain`) while its typings declare a default
 * export; under NodeNext the default import is `module.exports` itself at run time.
 */
type Louvain = typeof louvainModule.default;
const louvain: Louvain = typeof louvainModule === 'function' ? louvainModule : louvainModule.default;

function toGraphology(graph: WeightedGraph): UndirectedGraph {
  const result = new UndirectedGraph({ allowSelfLoops: false, multi: false });
  for (const node of graph.nodes) result.addNode(node);
  for (const [a, b, weight] of graph.edges()) result.addEdge(a, b, { weight });
  return result;
}

/** Communities of the graph's nodes (nodes without edges each get their own). */
export function louvainCommunities(graph: WeightedGraph, options: LouvainOptions): Communities {
  if (graph.totalWeight() === 0) return normalizeCommunities(new Map(graph.nodes.map((node, i) => [node, i])));
  const target = toGraphology(graph);
  let best: Communities | undefined;
  let bestQ = -Infinity;
  for (let run = 0; run < (options.runs ?? 5); run++) {
    const mapping = louvain(target, {
      getEdgeWeight: 'weight',
      resolution: options.resolution,
      rng: seededRandom(options.seed + run),
    });
    const communities = normalizeCommunities(new Map(Object.entries(mapping)));
    const q = modularity(graph, communities, options.resolution);
    if (q > bestQ + 1e-12) {
      best = communities;
      bestQ = q;
    }
  }
  return best ?? new Map();
}
