/**
 * One owner per table where the code allows it: a table written from several candidates
 * is owned by the candidate that writes it most (then reads it most). A file elsewhere
 * that writes it moves to the owner when that is all it writes and it is data-access code
 * (a repository, model, DAO) or is tied to the owner at least as much as to its own
 * candidate; otherwise the table stays shared and the data sync must carry it.
 */
import type { ExtractedProject } from '../model.js';
import { groupsOf, type Communities } from './modularity.js';
import { stemOf } from './paths.js';
import type { WeightedGraph } from './weighted-graph.js';

const DATA_ACCESS = /(repositor|repo$|dao|model|entity|entities|store|schema|table|quer|data|persistence|db)/i;

export interface OwnershipMove {
  module: string;
  table: string;
  from: number;
  to: number;
}

/** The owning community of every table written from at least one community. */
export function tableOwners(project: ExtractedProject, communities: Communities): Map<string, number> {
  const tally = new Map<string, Map<number, { writes: number; reads: number }>>();
  for (const access of project.tables) {
    const community = communities.get(access.module);
    if (community === undefined) continue;
    const byCommunity = tally.get(access.table) ?? new Map<number, { writes: number; reads: number }>();
    const entry = byCommunity.get(community) ?? { writes: 0, reads: 0 };
    entry.writes += access.writes;
    entry.reads += access.reads;
    byCommunity.set(community, entry);
    tally.set(access.table, byCommunity);
  }
  const owners = new Map<string, number>();
  for (const [table, byCommunity] of tally) {
    const ranked = [...byCommunity]
      .filter(([, entry]) => entry.writes > 0)
      .sort(([a, x], [b, y]) => y.writes - x.writes || y.reads - x.reads || a - b);
    const owner = ranked[0];
    if (owner) owners.set(table, owner[0]);
  }
  return owners;
}

function tieTo(graph: WeightedGraph, module: string, communities: Communities, community: number): number {
  let sum = 0;
  for (const [neighbour, weight] of graph.neighbors(module)) if (communities.get(neighbour) === community) sum += weight;
  return sum;
}

export function refineTableOwnership(
  project: ExtractedProject,
  graph: WeightedGraph,
  input: Communities,
): { communities: Communities; moves: OwnershipMove[] } {
  const communities = new Map(input);
  const owners = tableOwners(project, communities);
  const writes = new Map<string, Set<string>>();
  for (const access of project.tables) {
    if (access.writes > 0 && communities.has(access.module))
      writes.set(access.module, (writes.get(access.module) ?? new Set()).add(access.table));
  }
  const moves: OwnershipMove[] = [];
  for (const [module, tables] of [...writes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const current = communities.get(module);
    if (current === undefined) continue;
    const targets = new Set([...tables].map((table) => owners.get(table)));
    if (targets.size !== 1) continue;
    const [target] = [...targets];
    if (target === undefined || target === current) continue;
    if ((groupsOf(communities).get(current)?.length ?? 0) <= 1) continue;
    const allowed =
      DATA_ACCESS.test(stemOf(module)) || tieTo(graph, module, communities, target) >= tieTo(graph, module, communities, current);
    if (!allowed) continue;
    communities.set(module, target);
    moves.push({ module, table: [...tables].sort()[0] ?? '', from: current, to: target });
  }
  return { communities, moves };
}
