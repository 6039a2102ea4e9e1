/**
 * The reference algorithm: plain Louvain as a user of graphology would run it
 * (graphology-communities-louvain, resolution 1, seeded) on the raw import graph: every
 * file, one unit of weight per importing pair, no other signal, no shared kernel, no
 * clean-up.
 */
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import { seededRandom } from '../../common/seeded-random.js';
import type { ExtractedProject } from '../../analyzer/model.js';

/**
 * The package is CommonJS (`module.exports = louvain`) while its typings declare a default
 * export; under NodeNext the default import is `module.exports` itself at run time.
 */
type Louvain = typeof louvainModule.default;
const louvain: Louvain = typeof louvainModule === 'function' ? louvainModule : louvainModule.default;

export function plainLouvain(project: ExtractedProject, seed = 1): Map<string, string> {
  const graph = new UndirectedGraph();
  for (const module of project.modules) graph.addNode(module.path);
  for (const edge of project.edges)
    if (edge.from !== edge.to && !graph.hasEdge(edge.from, edge.to)) graph.addEdge(edge.from, edge.to, { weight: 1 });
  const mapping = louvain(graph, { getEdgeWeight: 'weight', resolution: 1, rng: seededRandom(seed) });
  return new Map(Object.entries(mapping).map(([path, community]) => [path, `c${community}`]));
}
