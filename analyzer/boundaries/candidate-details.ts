/**
 * The contract's candidate record from an assignment: modules, routes, tables (reads and
 * writes summed), dependsOn (import edges to other candidates, the shared kernel left out)
 * and metrics (files, loc, cohesion = weight of its internal edges over the weight of all
 * edges touching it in the coupling graph, the kernel left out).
 */
import type { Candidate, ExtractedProject } from '../model.js';
import type { WeightedGraph } from './weighted-graph.js';

export const SHARED = 'shared';

const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

export function buildCandidates(project: ExtractedProject, assignment: ReadonlyMap<string, string>, graph: WeightedGraph): Candidate[] {
  const ids = [...new Set([...assignment.values()].filter((id) => id !== SHARED))].sort();
  const loc = new Map(project.modules.map((module) => [module.path, module.loc]));
  return ids.map((id): Candidate => {
    const modules = [...assignment]
      .filter(([, owner]) => owner === id)
      .map(([path]) => path)
      .sort();
    const inside = new Set(modules);
    const routes = project.routes
      .filter((route) => inside.has(route.module))
      .map((route) => ({ method: route.method, path: route.path, module: route.module }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
    const tables = new Map<string, { reads: number; writes: number }>();
    for (const access of project.tables) {
      if (!inside.has(access.module)) continue;
      const entry = tables.get(access.table) ?? { reads: 0, writes: 0 };
      entry.reads += access.reads;
      entry.writes += access.writes;
      tables.set(access.table, entry);
    }
    const depends = new Map<string, number>();
    for (const edge of project.edges) {
      if (!inside.has(edge.from)) continue;
      const target = assignment.get(edge.to);
      if (target === undefined || target === id || target === SHARED) continue;
      depends.set(target, (depends.get(target) ?? 0) + 1);
    }
    let internal = 0;
    let touching = 0;
    for (const module of modules) {
      for (const [neighbour, weight] of graph.neighbors(module)) {
        const owner = assignment.get(neighbour);
        if (owner === SHARED || owner === undefined) continue;
        if (inside.has(neighbour)) internal += weight / 2;
        touching += inside.has(neighbour) ? weight / 2 : weight;
      }
    }
    return {
      id,
      name: id,
      modules,
      routes,
      tables: [...tables].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, entry]) => ({ name, ...entry })),
      dependsOn: [...depends].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([candidate, edges]) => ({ candidate, edges })),
      metrics: {
        files: modules.length,
        loc: modules.reduce((sum, path) => sum + (loc.get(path) ?? 0), 0),
        cohesion: touching === 0 ? 0 : round(internal / touching),
      },
    };
  });
}
