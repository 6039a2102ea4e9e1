/**
 * The contract's candidate record from an assignment: modules, routes, tables (reads and
 * writes summed), dependsOn (import edges to other candidates, seen through barrels, the shared kernel left out)
 * and metrics (files, loc, cohesion = weight of its internal edges over the weight of all
 * edges touching it in the coupling graph, the kernel left out).
 */
import type { Candidate, ExtractedProject } from '../model.js';
import { couplingImports } from './coupling-graph.js';
import type { WeightedGraph } from './weighted-graph.js';

export const SHARED = 'shared';

const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

function byKey<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function buildCandidates(project: ExtractedProject, assignment: ReadonlyMap<string, string>, graph: WeightedGraph): Candidate[] {
  const loc = new Map(project.modules.map((module) => [module.path, module.loc]));
  const members = byKey([...assignment.keys()].sort(), (path) => assignment.get(path));
  const routesOf = byKey(project.routes, (route) => assignment.get(route.module));
  const tablesOf = byKey(project.tables, (access) => assignment.get(access.module));
  const edgesOf = byKey(couplingImports(project), (edge) => assignment.get(edge.from));
  const ids = [...members.keys()].filter((id) => id !== SHARED).sort();
  return ids.map((id): Candidate => {
    const modules = members.get(id) ?? [];
    const inside = new Set(modules);
    const routes = (routesOf.get(id) ?? [])
      .map((route) => ({ method: route.method, path: route.path, module: route.module }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
    const tables = new Map<string, { reads: number; writes: number }>();
    for (const access of tablesOf.get(id) ?? []) {
      const entry = tables.get(access.table) ?? { reads: 0, writes: 0 };
      entry.reads += access.reads;
      entry.writes += access.writes;
      tables.set(access.table, entry);
    }
    const depends = new Map<string, number>();
    for (const edge of edgesOf.get(id) ?? []) {
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
