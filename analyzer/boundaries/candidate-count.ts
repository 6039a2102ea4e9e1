/**
 * Forcing the number of candidates (`--services N`): too many, and the pair whose merge
 * costs the least modularity is merged (the greedy agglomeration of Clauset, Newman & Moore,
 * Phys. Rev. E 70, 066111, 2004); too few, and the largest splittable candidate is split in
 * two by Louvain on its own subgraph (raising the resolution until it splits), or by folder
 * and then by path order when it has no inner structure.
 */
import { louvainCommunities } from './louvain.js';
import { groupsOf, normalizeCommunities, type Communities } from './modularity.js';
import { folderOf } from './paths.js';
import { communityLinks, mergeGain, mergeInto } from './refine-communities.js';
import type { WeightedGraph } from './weighted-graph.js';

export function mergeToCount(graph: WeightedGraph, input: Communities, count: number): Communities {
  const communities = new Map(input);
  for (;;) {
    const ids = [...groupsOf(communities).keys()].sort((a, b) => a - b);
    if (ids.length <= Math.max(1, count)) break;
    const links = communityLinks(graph, communities);
    let best: [number, number] = [ids[0] ?? 0, ids[1] ?? 0];
    let bestGain = -Infinity;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const a = ids[i] ?? 0;
        const b = ids[j] ?? 0;
        const gain = mergeGain(links, a, b);
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          best = [a, b];
        }
      }
    }
    mergeInto(communities, best[1], best[0]);
  }
  return normalizeCommunities(communities);
}

/** Splits `members` in two: by graph structure, else by folder, else by path order. */
function bisect(graph: WeightedGraph, members: string[], seed: number): [string[], string[]] {
  const sub = graph.induced(new Set(members));
  for (const resolution of [1, 1.5, 2, 3, 5, 8]) {
    if (sub.totalWeight() === 0) break;
    const parts = mergeToCount(sub, louvainCommunities(sub, { resolution, seed, runs: 1 }), 2);
    const groups = [...groupsOf(parts).values()];
    if (groups.length === 2) return [groups[0] ?? [], groups[1] ?? []];
  }
  const folders = [...new Set(members.map(folderOf))].sort();
  if (folders.length > 1) {
    const firstFolder = folders[0];
    return [members.filter((m) => folderOf(m) === firstFolder), members.filter((m) => folderOf(m) !== firstFolder)];
  }
  const half = Math.ceil(members.length / 2);
  return [members.slice(0, half), members.slice(half)];
}

export function splitToCount(graph: WeightedGraph, input: Communities, count: number, seed: number): Communities {
  const communities = new Map(input);
  for (;;) {
    const groups = [...groupsOf(communities)].sort(([, a], [, b]) => b.length - a.length || ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1));
    if (groups.length >= count) break;
    const largest = groups[0];
    if (!largest || largest[1].length < 2) break;
    const next = Math.max(...groups.map(([id]) => id)) + 1;
    const [, second] = bisect(graph, largest[1], seed);
    for (const node of second) communities.set(node, next);
  }
  return normalizeCommunities(communities);
}

export function forceCount(graph: WeightedGraph, communities: Communities, count: number, seed: number): Communities {
  const current = groupsOf(communities).size;
  if (current > count) return mergeToCount(graph, communities, count);
  if (current < count) return splitToCount(graph, communities, count, seed);
  return communities;
}
