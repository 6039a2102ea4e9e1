/**
 * Clean-ups after Louvain:
 * - a community whose members are not connected inside it is split into its connected
 *   parts (Louvain can leave such communities behind; Traag, Waltman & van Eck, "From
 *   Louvain to Leiden", Sci. Rep. 9, 2019);
 * - communities smaller than a minimum are merged into the neighbour community they are
 *   most tied to, by the modularity gain of the merge, since a two-file "service" is not one;
 *   what stays that small has no tie but to the shared kernel and is dropped (it joins it).
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

/** Merges `from` into `into` in the link tables (in place). */
function mergeLinks(links: CommunityLinks, from: number, into: number): void {
  const row = links.between.get(from) ?? new Map<number, number>();
  const target = links.between.get(into) ?? new Map<number, number>();
  for (const [other, weight] of row) {
    const otherRow = links.between.get(other);
    otherRow?.delete(from);
    if (other === into) continue;
    target.set(other, (target.get(other) ?? 0) + weight);
    otherRow?.set(into, (otherRow.get(into) ?? 0) + weight);
  }
  target.delete(from);
  links.between.set(into, target);
  links.between.delete(from);
  links.strength.set(into, (links.strength.get(into) ?? 0) + (links.strength.get(from) ?? 0));
  links.strength.delete(from);
}

export function mergeSmall(graph: WeightedGraph, input: Communities, minFiles: number): Communities {
  const communities = new Map(input);
  const links = communityLinks(graph, communities);
  const sizes = new Map<number, number>();
  for (const community of communities.values()) sizes.set(community, (sizes.get(community) ?? 0) + 1);
  const into = new Map<number, number>();
  // Smallest first; a merged community is looked at again only if it is still small.
  const queue = [...sizes]
    .filter(([, size]) => size < minFiles)
    .sort(([a, x], [b, y]) => x - y || a - b)
    .map(([community]) => community);
  for (let head = 0; head < queue.length; head++) {
    const community = queue[head] ?? 0;
    if (!sizes.has(community) || (sizes.get(community) ?? 0) >= minFiles) continue;
    const partners = [...(links.between.get(community)?.keys() ?? [])];
    if (partners.length === 0) continue;
    partners.sort((x, y) => mergeGain(links, community, y) - mergeGain(links, community, x) || x - y);
    const partner = partners[0] ?? community;
    mergeLinks(links, community, partner);
    into.set(community, partner);
    const size = (sizes.get(partner) ?? 0) + (sizes.get(community) ?? 0);
    sizes.set(partner, size);
    sizes.delete(community);
    if (size < minFiles) queue.push(partner);
  }
  const resolve = (community: number): number => {
    let current = community;
    while (into.has(current)) current = into.get(current) ?? current;
    return current;
  };
  for (const [node, community] of communities) communities.set(node, resolve(community));
  return normalizeCommunities(communities);
}

/** Communities that are still smaller than `minFiles` after merging (tied to nothing but the kernel) are dropped. */
export function dropSmall(input: Communities, minFiles: number): Communities {
  const kept = new Map<string, number>();
  for (const [community, members] of groupsOf(input)) {
    if (members.length >= minFiles) for (const member of members) kept.set(member, community);
  }
  return kept;
}
