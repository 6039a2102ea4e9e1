/**
 * One weighted undirected graph from every coupling signal:
 * - imports, weighted by the number of imported symbols; `import type` and dynamic
 *   `import()` weighted down (they couple less at run time); a name imported through a
 *   barrel (an index that only re-exports) ties the importer to the file declaring it;
 * - git co-change (logical coupling), weighted by its degree;
 * - shared-table affinity: files that access the same table, writers more than readers;
 *   tables used by a large share of the files (audit logs, users) give none, as they say
 *   nothing about which files belong together.
 */
import type { ExtractedProject, ImportEdge, TableAccess } from '../model.js';
import type { ResolvedBoundaryOptions } from './options.js';
import { WeightedGraph } from './weighted-graph.js';

/** Affinity of one access: writing a table ties a file to it more than reading it. */
const WRITE_STRENGTH = 1;
const READ_STRENGTH = 0.3;

export type CouplingOptions = Pick<
  ResolvedBoundaryOptions,
  'typeOnlyFactor' | 'dynamicFactor' | 'coChangeWeight' | 'tableWeight' | 'tableSpread'
>;

/**
 * The imports as coupling: a name imported through a barrel counts towards the file declaring
 * it. The candidates' dependencies and the quality metrics read these too, so that an index
 * every feature imports does not make every feature depend on every other.
 */
export const couplingImports = (project: ExtractedProject): readonly ImportEdge[] => project.couplingEdges ?? project.edges;

/** The import graph alone (symbol counts, type-only and dynamic edges weighted down). */
export function addImportEdges(graph: WeightedGraph, project: ExtractedProject, options: CouplingOptions): void {
  for (const edge of couplingImports(project)) {
    const factor = (edge.typeOnly ? options.typeOnlyFactor : 1) * (edge.dynamic ? options.dynamicFactor : 1);
    graph.add(edge.from, edge.to, Math.max(1, edge.weight) * factor);
  }
}

export function addCoChangeEdges(graph: WeightedGraph, project: ExtractedProject, options: CouplingOptions): void {
  for (const pair of project.coChange) graph.add(pair.a, pair.b, options.coChangeWeight * pair.degree);
}

/** Most files that may access one table for it to count as affinity (a share of the files, within 6..64). */
export function tableAffinityLimit(files: number, options: CouplingOptions): number {
  return Math.min(64, Math.max(6, Math.ceil(options.tableSpread * files)));
}

export function addTableEdges(graph: WeightedGraph, project: ExtractedProject, options: CouplingOptions): void {
  const byTable = new Map<string, Map<string, number>>();
  for (const access of project.tables as TableAccess[]) {
    if (!graph.has(access.module)) continue;
    const files = byTable.get(access.table) ?? new Map<string, number>();
    const strength = access.writes > 0 ? WRITE_STRENGTH : READ_STRENGTH;
    files.set(access.module, Math.max(files.get(access.module) ?? 0, strength));
    byTable.set(access.table, files);
  }
  const limit = tableAffinityLimit(graph.nodes.length, options);
  for (const files of byTable.values()) {
    if (files.size < 2 || files.size > limit) continue;
    const entries = [...files].sort(([a], [b]) => (a < b ? -1 : 1));
    // Normalised by the number of partners, so a file's pull towards one table stays bounded.
    const share = options.tableWeight / (entries.length - 1);
    for (let i = 0; i < entries.length; i++) {
      for (let j = i + 1; j < entries.length; j++) {
        const [a, sa] = entries[i] ?? ['', 0];
        const [b, sb] = entries[j] ?? ['', 0];
        graph.add(a, b, share * sa * sb);
      }
    }
  }
}

export function buildCouplingGraph(project: ExtractedProject, options: CouplingOptions): WeightedGraph {
  const graph = new WeightedGraph(project.modules.map((module) => module.path));
  addImportEdges(graph, project, options);
  addCoChangeEdges(graph, project, options);
  addTableEdges(graph, project, options);
  return graph;
}
