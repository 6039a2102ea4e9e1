/**
 * A small undirected weighted graph over module paths, with sorted node order so that
 * everything built from it is deterministic.
 */
export class WeightedGraph {
  readonly nodes: readonly string[];
  private readonly adjacency = new Map<string, Map<string, number>>();

  constructor(nodes: Iterable<string>) {
    this.nodes = [...new Set(nodes)].sort();
    for (const node of this.nodes) this.adjacency.set(node, new Map());
  }

  has(node: string): boolean {
    return this.adjacency.has(node);
  }

  /** Adds `weight` to the edge a–b (self-loops and unknown nodes are ignored). */
  add(a: string, b: string, weight: number): void {
    if (a === b || weight <= 0) return;
    const left = this.adjacency.get(a);
    const right = this.adjacency.get(b);
    if (!left || !right) return;
    left.set(b, (left.get(b) ?? 0) + weight);
    right.set(a, (right.get(a) ?? 0) + weight);
  }

  neighbors(node: string): ReadonlyMap<string, number> {
    return this.adjacency.get(node) ?? new Map<string, number>();
  }

  weight(a: string, b: string): number {
    return this.adjacency.get(a)?.get(b) ?? 0;
  }

  /** Sum of the weights of the node's edges. */
  strength(node: string): number {
    let sum = 0;
    for (const weight of this.neighbors(node).values()) sum += weight;
    return sum;
  }

  /** Sum of all edge weights (each edge once). */
  totalWeight(): number {
    let sum = 0;
    for (const node of this.nodes) sum += this.strength(node);
    return sum / 2;
  }

  /** Each edge once, a < b. */
  *edges(): Generator<[string, string, number]> {
    for (const a of this.nodes) {
      for (const [b, weight] of this.neighbors(a)) if (a < b) yield [a, b, weight];
    }
  }

  /** The graph on `keep` only. */
  induced(keep: ReadonlySet<string>): WeightedGraph {
    const graph = new WeightedGraph(this.nodes.filter((node) => keep.has(node)));
    for (const node of graph.nodes) {
      const row = graph.adjacency.get(node);
      if (!row) continue;
      for (const [neighbour, weight] of this.neighbors(node)) if (keep.has(neighbour)) row.set(neighbour, weight);
    }
    return graph;
  }
}
