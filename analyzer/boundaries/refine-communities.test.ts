import { describe, expect, it } from 'vitest';
import { clique } from './__fixtures__/project-builder.js';
import { attachIsolated } from './attach-isolated.js';
import { groupsOf } from './modularity.js';
import { dropSmall, mergeSmall, splitDisconnected } from './refine-communities.js';
import { WeightedGraph } from './weighted-graph.js';

describe('community clean-ups', () => {
  const graph = new WeightedGraph(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'x']);
  for (const [a, b, w] of [...clique(['a1', 'a2', 'a3'], 2), ...clique(['b1', 'b2', 'b3'], 2)]) graph.add(a, b, w);
  graph.add('x', 'b1', 1);
  graph.add('x', 'a1', 0.2);

  it('splits a community whose members are not connected inside it', () => {
    const split = splitDisconnected(graph, new Map([...graph.nodes].map((node): [string, number] => [node, node.startsWith('x') ? 1 : 0])));
    // Without x the a's and b's are not connected: three communities.
    expect([...groupsOf(split).values()]).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2', 'b3'], ['x']]);
    const apart = splitDisconnected(graph, new Map(graph.nodes.map((node): [string, number] => [node, 0])));
    expect(groupsOf(apart).size).toBe(1);
    const parted = splitDisconnected(graph, new Map(graph.nodes.filter((n) => n !== 'x').map((node): [string, number] => [node, 0])));
    expect([...groupsOf(parted).values()]).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3'],
    ]);
  });

  it('merges a too-small community into the neighbour it is most tied to', () => {
    const merged = mergeSmall(
      graph,
      new Map(graph.nodes.map((node): [string, number] => [node, node === 'x' ? 2 : node.startsWith('a') ? 0 : 1])),
      2,
    );
    expect([...groupsOf(merged).values()]).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3', 'x'],
    ]);
  });

  it('drops what is still too small after merging', () => {
    const kept = dropSmall(
      new Map([
        ['a', 0],
        ['b', 0],
        ['c', 0],
        ['h1', 1],
        ['h2', 1],
      ]),
      3,
    );
    expect([...kept.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('places files without edges by their folder, the kernel included', () => {
    const communities = new Map([
      ['src/orders/a.ts', 0],
      ['src/orders/b.ts', 0],
      ['src/users/c.ts', 1],
    ]);
    const kernel = new Set(['src/lib/db.ts']);
    const { communities: placed, toKernel } = attachIsolated(
      [
        'src/orders/notes.ts',
        'src/orders/deep/more.ts',
        'src/lib/extra.ts',
        'src/main.ts',
        'src/mail/a.ts',
        'src/mail/b.ts',
        'src/tools/x.ts',
      ],
      communities,
      kernel,
      2,
    );
    expect(placed.get('src/orders/notes.ts')).toBe(placed.get('src/orders/a.ts'));
    expect(placed.get('src/orders/deep/more.ts')).toBe(placed.get('src/orders/a.ts'));
    expect(placed.get('src/mail/a.ts')).toBe(placed.get('src/mail/b.ts'));
    expect(placed.get('src/mail/a.ts')).not.toBe(placed.get('src/orders/a.ts'));
    expect(toKernel.sort()).toEqual(['src/lib/extra.ts', 'src/main.ts', 'src/tools/x.ts']);
  });
});
