/**
 * The reference algorithm: plain Louvain (graphology-communities-louvain, resolution 1,
 * same seeded order) on the raw import graph: every file, one unit of weight per importing
 * pair, no other signal, no shared kernel, no clean-up.
 */
import { louvainCommunities, WeightedGraph } from '../../analyzer/boundaries/index.js';
import type { ExtractedProject } from '../../analyzer/model.js';

export function plainLouvain(project: ExtractedProject, seed = 1): Map<string, string> {
  const graph = new WeightedGraph(project.modules.map((module) => module.path));
  for (const edge of project.edges) graph.add(edge.from, edge.to, 1);
  const communities = louvainCommunities(graph, { resolution: 1, seed, runs: 1 });
  return new Map([...communities].map(([path, community]) => [path, `c${community}`]));
}
