/**
 * Newman's modularity of a partition of a weighted graph (M. E. J. Newman, "Analysis of
 * weighted networks", Phys. Rev. E 70, 056131, 2004; with the resolution γ of Reichardt &
 * Bornholdt 2006): Q = Σ_c [ W_c / W − γ (S_c / 2W)² ], W_c the weight inside c, S_c the
 * summed strength of c's nodes, W the total weight.
 */
import type { WeightedGraph } from './weighted-graph.js';

export type Communities = Map<string, number>;

export function modularity(graph: WeightedGraph, communities: Communities, resolution = 1): number {
  const inside = new Map<number, number>();
  const strength = new Map<number, number>();
  let twoW = 0;
  for (const node of graph.nodes) {
    const community = communities.get(node);
    for (const [neighbour, weight] of graph.neighbors(node)) {
      twoW += weight;
      if (community === undefined) continue;
      strength.set(community, (strength.get(community) ?? 0) + weight);
      if (communities.get(neighbour) === community) inside.set(community, (inside.get(community) ?? 0) + weight);
    }
  }
  if (twoW === 0) return 0;
  let q = 0;
  for (const [community, sum] of strength) q += (inside.get(community) ?? 0) / twoW - resolution * (sum / twoW) ** 2;
  return q;
}

/** Communities renumbered 0..k−1 in the order of their smallest member path. */
export function normalizeCommunities(communities: ReadonlyMap<string, number>): Communities {
  const first = new Map<number, string>();
  for (const [node, community] of [...communities].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!first.has(community)) first.set(community, node);
  }
  const order = [...first].sort(([, a], [, b]) => (a < b ? -1 : 1)).map(([community]) => community);
  const rename = new Map(order.map((community, i) => [community, i]));
  return new Map([...communities].map(([node, community]) => [node, rename.get(community) ?? 0]));
}

/** Members of each community, sorted. */
export function groupsOf(communities: ReadonlyMap<string, number>): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const [node, community] of communities) groups.set(community, [...(groups.get(community) ?? []), node]);
  for (const members of groups.values()) members.sort();
  return groups;
}
