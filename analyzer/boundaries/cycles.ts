/**
 * Dependency cycles between candidates. Strongly connected components by Tarjan's algorithm
 * (R. Tarjan, "Depth-first search and linear graph algorithms", SIAM J. Comput. 1(2), 1972);
 * inside each component, every dependency a→b is closed into a cycle by the shortest path
 * back from b to a, so each cyclic dependency shows up in at least one listed cycle.
 */

export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

export function stronglyConnectedComponents(graph: DependencyGraph): string[][] {
  const nodes = [...graph.keys()].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      for (;;) {
        const member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1));
}

function shortestPath(graph: DependencyGraph, from: string, to: string, within: ReadonlySet<string>): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] ?? from;
    if (node === to) break;
    for (const next of graph.get(node) ?? []) {
      if (within.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  if (!previous.has(to)) return undefined;
  const path = [to];
  while (path[0] !== from) path.unshift(previous.get(path[0] ?? from) ?? from);
  return path;
}

/** Cycles, each starting at its smallest id and ending with it again; at most `limit` (shortest first). */
export function candidateCycles(input: DependencyGraph, limit = 100): string[][] {
  const graph = new Map([...input].map(([node, next]) => [node, [...next].sort()]));
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const component of stronglyConnectedComponents(graph)) {
    if (component.length < 2) continue;
    const within = new Set(component);
    for (const a of component) {
      for (const b of graph.get(a) ?? []) {
        if (!within.has(b) || cycles.length >= limit * 4) continue;
        const back = shortestPath(graph, b, a, within);
        if (!back) continue;
        const ring = [a, ...back.slice(0, -1)];
        const start = ring.indexOf([...ring].sort()[0] ?? a);
        const rotated = [...ring.slice(start), ...ring.slice(0, start)];
        const key = rotated.join('>');
        if (seen.has(key)) continue;
        seen.add(key);
        cycles.push([...rotated, rotated[0] ?? a]);
      }
    }
  }
  return cycles.sort((x, y) => x.length - y.length || (x.join('>') < y.join('>') ? -1 : 1)).slice(0, limit);
}
