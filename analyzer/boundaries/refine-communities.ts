/**
 * Clean-ups after Louvain:
 * - a community whose members are not connected inside it is split into its connected
 *   parts (Louvain can leave such communities behind; Traag, Waltman & van Eck, "From
 *   Louvain to Leiden", Sci. Rep. 9, 2019);
 * - communities smaller than a minimum are merged into the neighbour community they are
 *   most tied to, by the modularity gain of the merge, since a two-file "service" is not one.
 */
import { groupsOf, normalizeCommunities, type Communities } from './modularity.js';
import type { WeightedGraph } from './weighted-graph.js';

export function splitDisconnected(graph: WeightedGraph, communities: Communities): Communities {
  const result = new Map<string, number>();
  let next = 0;
  for (const members of groupsOf(communities).values()) {
    const inside = new Set(members);
    const seen = new Set<string>();
    for (const start of members) {
      if (seen.has(start)) continue;
      const label = next++;
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) {
        const node = stack.pop() ?? start;
        result.set(node, label);
        for (const neighbour of graph.neighbors(node).keys()) {
          if (inside.has(neighbour) && !seen.has(neighbour)) {
            seen.add(neighbour);
            stack.push(neighbour);
          }
        }
      }
    }
  }
  return normalizeCommunities(result);
}

/** Weight between every pair of communities and each community's strength. */
export interface CommunityLinks {
  between: Map<number, Map<number, number>>;
  strength: Map<number, number>;
  total: number;
}

export function communityLinks(graph: WeightedGraph, communities: Communities): CommunityLinks {
  const between = new Map<number, Map<number, number>>();
  const strength = new Map<number, number>();
  for (const node of graph.nodes) {
    const c = communities.get(node);
    if (c !== undefined) strength.set(c, (strength.get(c) ?? 0) + graph.strength(node));
  }
  for (const [a, b, weight] of graph.edges()) {
    const ca = communities.get(a);
    const cb = communities.get(b);
    if (ca === undefined || cb === undefined || ca === cb) continue;
    for (const [x, y] of [
      [ca, cb],
      [cb, ca],
    ] as const) {
      const row = between.get(x) ?? new Map<number, number>();
      row.set(y, (row.get(y) ?? 0) + weight);
      between.set(x, row);
    }
  }
  return { between, strength, total: graph.totalWeight() };
}

/** Modularity gain of merging communities a and b: 2 (e_ab − a_a a_b) with e, a as fractions of 2W. */
export function mergeGain(links: CommunityLinks, a: number, b: number, resolution = 1): number {
  if (links.total === 0) return 0;
  const twoW = 2 * links.total;
  const w = links.between.get(a)?.get(b) ?? 0;
  return 2 * (w / twoW - (resolution * ((links.strength.get(a) ?? 0) * (links.strength.get(b) ?? 0))) / (twoW * twoW));
}

/** Merges community `from` into `into` (in place). */
export function mergeInto(communities: Communities, from: number, into: number): void {
  for (const [node, community] of communities) if (community === from) communities.set(node, into);
}

export function mergeSmall(graph: WeightedGraph, input: Communities, minFiles: number): Communities {
  const communities = new Map(input);
  for (;;) {
    const groups = groupsOf(communities);
    const links = communityLinks(graph, communities);
    const small = [...groups]
      .filter(([community, members]) => members.length < minFiles && (links.between.get(community)?.size ?? 0) > 0)
      .sort(([, a], [, b]) => a.length - b.length || (a[0] ?? '').localeCompare(b[0] ?? ''));
    const first = small[0];
    if (!first) break;
    const [community] = first;
    const partners = [...(links.between.get(community)?.keys() ?? [])];
    partners.sort((x, y) => mergeGain(links, community, y) - mergeGain(links, community, x) || x - y);
    const partner = partners[0];
    if (partner === undefined) break;
    mergeInto(communities, community, partner);
  }
  return normalizeCommunities(communities);
}
