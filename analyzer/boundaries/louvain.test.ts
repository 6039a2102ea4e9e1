import { describe, expect, it } from 'vitest';
import { clique } from './__fixtures__/project-builder.js';
import { louvainCommunities } from './louvain.js';
import { groupsOf, modularity } from './modularity.js';
import { WeightedGraph } from './weighted-graph.js';

/** `groups` cliques of `size` nodes in a ring, each joined to the next by one light edge. */
function ringOfCliques(groups: number, size: number): WeightedGraph {
  const members = Array.from({ length: groups }, (_, g) => Array.from({ length: size }, (_, i) => `g${g}-n${i}`));
  const graph = new WeightedGraph(members.flat());
  for (const group of members) for (const [a, b, w] of clique(group, 1)) graph.add(a, b, w);
  for (let g = 0; g < groups; g++) graph.add(`g${g}-n0`, `g${(g + 1) % groups}-n1`, 1);
  return graph;
}

describe('louvainCommunities', () => {
  it('finds the cliques of a ring of cliques', () => {
    const graph = ringOfCliques(6, 5);
    const groups = [...groupsOf(louvainCommunities(graph, { resolution: 1, seed: 1 })).values()];
    expect(groups).toHaveLength(6);
    for (const group of groups) expect(new Set(group.map((node) => node.split('-')[0])).size).toBe(1);
  });

  it('matches the modularity of the cliques partition computed by hand', () => {
    // 6 cliques of 5: 10 edges each inside, 6 ring edges; W = 66. Each clique: W_c = 10,
    // S_c = 2·10 + 2 = 22. Q = 6 · (10/66 − (22/132)²) = 0.9091 − 0.1667.
    const graph = ringOfCliques(6, 5);
    const q = modularity(graph, louvainCommunities(graph, { resolution: 1, seed: 1 }));
    expect(q).toBeCloseTo(6 * (10 / 66 - (22 / 132) ** 2), 10);
  });

  it('is the same for the same seed, and leaves nodes without edges alone', () => {
    const graph = ringOfCliques(4, 4);
    const lonely = new WeightedGraph([...graph.nodes, 'zz-alone']);
    for (const [a, b, w] of graph.edges()) lonely.add(a, b, w);
    const first = louvainCommunities(lonely, { resolution: 1, seed: 7 });
    expect(louvainCommunities(lonely, { resolution: 1, seed: 7 })).toEqual(first);
    const alone = first.get('zz-alone');
    expect([...first.values()].filter((community) => community === alone)).toHaveLength(1);
  });

  it('gives more, smaller communities at a higher resolution', () => {
    // Two dense halves (weight 3 inside) fully joined by weaker edges (weight 2): inside 90, across 72.
    // γ = 0.5: one community (Q 0.5 against 0.31); γ = 1.5: the halves (Q −0.19 against −0.5).
    const left = Array.from({ length: 6 }, (_, i) => `l${i}`);
    const right = Array.from({ length: 6 }, (_, i) => `r${i}`);
    const graph = new WeightedGraph([...left, ...right]);
    for (const [a, b, w] of [...clique(left, 3), ...clique(right, 3)]) graph.add(a, b, w);
    for (const a of left) for (const b of right) graph.add(a, b, 2);
    expect(groupsOf(louvainCommunities(graph, { resolution: 0.5, seed: 1 })).size).toBe(1);
    expect(groupsOf(louvainCommunities(graph, { resolution: 1.5, seed: 1 })).size).toBeGreaterThanOrEqual(2);
  });
});
