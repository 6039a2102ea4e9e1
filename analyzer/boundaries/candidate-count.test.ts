import { describe, expect, it } from 'vitest';
import { clique } from './__fixtures__/project-builder.js';
import { forceCount } from './candidate-count.js';
import { louvainCommunities } from './louvain.js';
import { groupsOf } from './modularity.js';
import { WeightedGraph } from './weighted-graph.js';

/** Three dense groups of four; x and y are tied more to each other than to z. */
function threeGroups(): WeightedGraph {
  const groups = ['x', 'y', 'z'].map((name) => [0, 1, 2, 3].map((i) => `${name}${i}`));
  const graph = new WeightedGraph(groups.flat());
  for (const group of groups) for (const [a, b, w] of clique(group, 3)) graph.add(a, b, w);
  graph.add('x0', 'y0', 2);
  graph.add('x1', 'y1', 2);
  graph.add('y2', 'z2', 0.5);
  return graph;
}

describe('forceCount', () => {
  const graph = threeGroups();
  const found = louvainCommunities(graph, { resolution: 1, seed: 1 });

  it('starts from the three groups', () => {
    expect([...groupsOf(found).values()]).toEqual([
      ['x0', 'x1', 'x2', 'x3'],
      ['y0', 'y1', 'y2', 'y3'],
      ['z0', 'z1', 'z2', 'z3'],
    ]);
  });

  it('merges the most tied pair to reach fewer', () => {
    const two = forceCount(graph, found, 2, 1);
    expect([...groupsOf(two).values()]).toEqual([
      ['x0', 'x1', 'x2', 'x3', 'y0', 'y1', 'y2', 'y3'],
      ['z0', 'z1', 'z2', 'z3'],
    ]);
  });

  it('splits the largest to reach more, down to single files', () => {
    for (const count of [4, 6, 12]) expect(groupsOf(forceCount(graph, found, count, 1)).size).toBe(count);
    expect(groupsOf(forceCount(graph, found, 1, 1)).size).toBe(1);
  });
});
