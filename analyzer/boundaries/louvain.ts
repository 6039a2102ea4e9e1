/**
 * Louvain community detection (Blondel, Guillaume, Lambiotte & Lefebvre, "Fast unfolding
 * of communities in large networks", J. Stat. Mech. 2008, P10008) with the resolution γ of
 * Reichardt & Bornholdt (2006), on compact arrays: local moving of nodes in a seeded random
 * order until no move raises modularity, then aggregation of communities into nodes, until
 * a level moves nothing. Several seeds are run and the partition with the highest
 * modularity kept, which smooths out Louvain's order dependence. Same seed, same result.
 */
import { normalizeCommunities, type Communities } from './modularity.js';
import { seededRandom } from '../../common/seeded-random.js';
import type { WeightedGraph } from './weighted-graph.js';

export interface LouvainOptions {
  resolution: number;
  seed: number;
  /** Seeds tried (seed, seed + 1, …). Default 6. */
  runs?: number;
}

/** Adjacency in compressed sparse rows; `loops[i]` is node i's self-loop weight (both directions). */
interface Level {
  size: number;
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  loops: Float64Array;
}

const levels = new WeakMap<WeightedGraph, Level>();

/** The graph as arrays, built once per graph (the runs and the resolution scan reuse it). */
function levelOf(graph: WeightedGraph): Level {
  const cached = levels.get(graph);
  if (cached) return cached;
  const index = new Map(graph.nodes.map((node, i) => [node, i]));
  const size = graph.nodes.length;
  const offsets = new Int32Array(size + 1);
  graph.nodes.forEach((node, i) => (offsets[i + 1] = (offsets[i] ?? 0) + graph.neighbors(node).size));
  const targets = new Int32Array(offsets[size] ?? 0);
  const weights = new Float64Array(offsets[size] ?? 0);
  graph.nodes.forEach((node, i) => {
    let at = offsets[i] ?? 0;
    for (const [neighbour, weight] of graph.neighbors(node)) {
      targets[at] = index.get(neighbour) ?? 0;
      weights[at] = weight;
      at++;
    }
  });
  const level = { size, offsets, targets, weights, loops: new Float64Array(size) };
  levels.set(graph, level);
  return level;
}

/** Modularity of a membership of the level's nodes (see modularity.ts for the formula). */
function levelModularity(level: Level, membership: Int32Array, resolution: number): number {
  const inside = new Float64Array(level.size);
  const total = new Float64Array(level.size);
  let twoM = 0;
  for (let i = 0; i < level.size; i++) {
    const c = membership[i] ?? 0;
    for (let e = level.offsets[i] ?? 0; e < (level.offsets[i + 1] ?? 0); e++) {
      const w = level.weights[e] ?? 0;
      total[c] = (total[c] ?? 0) + w;
      twoM += w;
      if (membership[level.targets[e] ?? 0] === c) inside[c] = (inside[c] ?? 0) + w;
    }
  }
  if (twoM === 0) return 0;
  let q = 0;
  for (let c = 0; c < level.size; c++) q += (inside[c] ?? 0) / twoM - resolution * ((total[c] ?? 0) / twoM) ** 2;
  return q;
}

/** One round of local moving; returns the community of every node and whether anything moved. */
function moveNodes(level: Level, resolution: number, random: () => number): { community: Int32Array; moved: boolean } {
  const { size, offsets, targets, weights, loops } = level;
  const strength = new Float64Array(size);
  let twoM = 0;
  for (let i = 0; i < size; i++) {
    let k = loops[i] ?? 0;
    for (let e = offsets[i] ?? 0; e < (offsets[i + 1] ?? 0); e++) k += weights[e] ?? 0;
    strength[i] = k;
    twoM += k;
  }
  const community = new Int32Array(size);
  const total = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    community[i] = i;
    total[i] = strength[i] ?? 0;
  }
  if (twoM === 0) return { community, moved: false };
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  // Fast local moving (Traag, Waltman & van Eck 2019): visit every node once, then only the
  // neighbours of nodes that moved.
  const linkTo = new Float64Array(size);
  const queued = new Uint8Array(size).fill(1);
  const queue = order;
  const touched: number[] = [];
  let moved = false;
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] ?? 0;
    queued[node] = 0;
    const own = community[node] ?? 0;
    const k = strength[node] ?? 0;
    for (let e = offsets[node] ?? 0; e < (offsets[node + 1] ?? 0); e++) {
      const c = community[targets[e] ?? 0] ?? 0;
      if ((linkTo[c] ?? 0) === 0) touched.push(c);
      linkTo[c] = (linkTo[c] ?? 0) + (weights[e] ?? 0);
    }
    total[own] = (total[own] ?? 0) - k;
    let best = own;
    let bestGain = (linkTo[own] ?? 0) - (resolution * (total[own] ?? 0) * k) / twoM;
    for (const c of touched) {
      const gain = (linkTo[c] ?? 0) - (resolution * (total[c] ?? 0) * k) / twoM;
      if (gain > bestGain + 1e-12) {
        best = c;
        bestGain = gain;
      }
    }
    total[best] = (total[best] ?? 0) + k;
    for (const c of touched) linkTo[c] = 0;
    touched.length = 0;
    if (best === own) continue;
    community[node] = best;
    moved = true;
    for (let e = offsets[node] ?? 0; e < (offsets[node + 1] ?? 0); e++) {
      const neighbour = targets[e] ?? 0;
      if (queued[neighbour] === 0 && community[neighbour] !== best) {
        queued[neighbour] = 1;
        queue.push(neighbour);
      }
    }
  }
  return { community, moved };
}

/** Communities as nodes of the next level; returns it and each old node's new index. */
function aggregate(level: Level, community: Int32Array): { next: Level; map: Int32Array } {
  const map = new Int32Array(level.size);
  const rename = new Map<number, number>();
  for (let i = 0; i < level.size; i++) {
    const c = community[i] ?? 0;
    if (!rename.has(c)) rename.set(c, rename.size);
    map[i] = rename.get(c) ?? 0;
  }
  const size = rename.size;
  const rows: Array<Map<number, number>> = Array.from({ length: size }, () => new Map());
  const loops = new Float64Array(size);
  for (let i = 0; i < level.size; i++) {
    const a = map[i] ?? 0;
    loops[a] = (loops[a] ?? 0) + (level.loops[i] ?? 0);
    for (let e = level.offsets[i] ?? 0; e < (level.offsets[i + 1] ?? 0); e++) {
      const b = map[level.targets[e] ?? 0] ?? 0;
      const w = level.weights[e] ?? 0;
      if (a === b) loops[a] = (loops[a] ?? 0) + w;
      else rows[a]?.set(b, (rows[a]?.get(b) ?? 0) + w);
    }
  }
  const offsets = new Int32Array(size + 1);
  rows.forEach((row, i) => (offsets[i + 1] = (offsets[i] ?? 0) + row.size));
  const targets = new Int32Array(offsets[size] ?? 0);
  const weights = new Float64Array(offsets[size] ?? 0);
  rows.forEach((row, i) => {
    let at = offsets[i] ?? 0;
    for (const [b, w] of [...row].sort(([x], [y]) => x - y)) {
      targets[at] = b;
      weights[at] = w;
      at++;
    }
  });
  return { next: { size, offsets, targets, weights, loops }, map };
}

function louvainOnce(graph: WeightedGraph, resolution: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  let level = levelOf(graph);
  let membership = Int32Array.from({ length: level.size }, (_, i) => i);
  for (let depth = 0; depth < 100; depth++) {
    const { community, moved } = moveNodes(level, resolution, random);
    if (!moved) break;
    const { next, map } = aggregate(level, community);
    membership = membership.map((node) => map[node] ?? 0);
    level = next;
  }
  return membership;
}

/** Communities of the graph's nodes (nodes without edges each get their own). */
export function louvainCommunities(graph: WeightedGraph, options: LouvainOptions): Communities {
  let best: Int32Array | undefined;
  let bestQ = -Infinity;
  for (let run = 0; run < (options.runs ?? 6); run++) {
    const membership = louvainOnce(graph, options.resolution, options.seed + run);
    const q = levelModularity(levelOf(graph), membership, options.resolution);
    if (q > bestQ + 1e-12) {
      best = membership;
      bestQ = q;
    }
  }
  return normalizeCommunities(new Map(graph.nodes.map((node, i) => [node, best?.[i] ?? i])));
}
