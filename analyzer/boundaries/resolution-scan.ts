/**
 * Choosing the number of candidates from the graph. Modularity maximisation cannot see
 * communities below a size that grows with the graph (the resolution limit: Fortunato &
 * Barthélemy, "Resolution limit in community detection", PNAS 104(1), 2007), so one fixed
 * Louvain resolution gives a handful of huge candidates on a big codebase. We scan the
 * resolution γ and keep the partition whose candidates are of a size a team can own: the
 * lowest NED (share of files in candidates outside 5–20 files; Wu, Hassan & Holt 2005),
 * ties broken by the higher modularity at γ = 1. With `services: N` the partition with
 * the smallest candidate count at or above N is kept (else the largest), to be merged (or
 * split) to exactly N.
 */
import { groupsOf, modularity, type Communities } from './modularity.js';
import type { WeightedGraph } from './weighted-graph.js';

export const RESOLUTIONS = [1, 1.5, 2, 3, 4, 6, 8] as const;
const NED_MIN = 5;
const NED_MAX = 20;

export function nonExtremeShare(communities: Communities): number {
  const sizes = [...groupsOf(communities).values()].map((members) => members.length);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total === 0) return 0;
  const extreme = sizes.filter((size) => size < NED_MIN || size > NED_MAX).reduce((sum, size) => sum + size, 0);
  return extreme / total;
}

export interface ScanChoice {
  resolution: number;
  communities: Communities;
}

export function chooseResolution(
  graph: WeightedGraph,
  partitionAt: (resolution: number) => Communities,
  resolutions: readonly number[],
  services: number | undefined,
): ScanChoice {
  let best: (ScanChoice & { score: [number, number] }) | undefined;
  for (const resolution of resolutions) {
    const communities = partitionAt(resolution);
    const count = groupsOf(communities).size;
    // With a forced count, merging down (by modularity) beats splitting up: prefer counts at or above it.
    const primary = services === undefined ? nonExtremeShare(communities) : count >= services ? count - services : 1e6 + services - count;
    const score: [number, number] = [primary, -modularity(graph, communities)];
    if (!best || score[0] < best.score[0] - 1e-9 || (Math.abs(score[0] - best.score[0]) <= 1e-9 && score[1] < best.score[1] - 1e-9)) {
      best = { resolution, communities, score };
    }
    // Past the requested count, or below 5 files a candidate on average, finer partitions gain nothing.
    if (services !== undefined && count >= services) break;
    if (count * NED_MIN > communities.size) break;
    // Every file already in a candidate of a good size: finer partitions only lose modularity.
    if (services === undefined && primary === 0) break;
  }
  return best ?? { resolution: 1, communities: partitionAt(1) };
}
