/**
 * Global quality figures of a decomposition (the shared kernel left out: calls into a
 * shared library are not calls between services).
 *
 * - modularity: Newman's weighted Q of the coupling graph (see modularity.ts). Higher is better.
 * - sm, structural modularity (Jin et al., "Service candidate identification from monolithic
 *   systems based on execution traces", IEEE TSE 47(5), 2021, online 2019, and Kalia et al.
 *   below; it follows the MQ of Mancoridis, Mitchell et al.'s Bunch, IWPC 1998):
 *   SM = (1/K) Σ_k μ_k / m_k² − (1/(K(K−1)/2)) Σ_{i<j} σ_ij / (2 m_i m_j),
 *   μ_k the import edges inside candidate k, m_k its files, σ_ij the edges between i and j.
 *   Higher is better.
 * - icp, inter-partition call percentage (Kalia et al., "Mono2Micro", ESEC/FSE 2021): the
 *   share of import weight (symbols) that crosses candidates, in [0, 1]. Lower is better.
 * - ifn, interface number (Jin et al. 2019): files per candidate that another candidate
 *   imports, averaged over the candidates. Lower is better.
 * - ned, non-extreme distribution (Wu, Hassan & Holt, "Comparison of clustering algorithms
 *   in the context of software evolution", ICSM 2005; bounds 5 and 20 as in Kalia et al.
 *   2021): 1 − (files in candidates of 5 to 20 files) / files, so lower is better.
 */
import type { BoundaryMetrics, ExtractedProject } from '../model.js';
import { couplingImports } from './coupling-graph.js';
import { modularity } from './modularity.js';
import type { WeightedGraph } from './weighted-graph.js';

const NED_MIN = 5;
const NED_MAX = 20;
const round = (value: number): number => Math.round(value * 1000) / 1000;

export function qualityMetrics(
  project: ExtractedProject,
  assignment: ReadonlyMap<string, string>,
  coupling: WeightedGraph,
  shared: string,
): BoundaryMetrics {
  const owner = (path: string): string | undefined => {
    const id = assignment.get(path);
    return id === shared ? undefined : id;
  };
  const ids = [...new Set([...assignment.values()].filter((id) => id !== shared))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const files = ids.map(() => 0);
  for (const id of assignment.values()) {
    const i = index.get(id);
    if (i !== undefined) files[i] = (files[i] ?? 0) + 1;
  }
  const inside = ids.map(() => 0);
  const between = new Map<string, number>();
  const interfaces = new Set<string>();
  let crossing = 0;
  let total = 0;
  for (const edge of couplingImports(project)) {
    const from = owner(edge.from);
    const to = owner(edge.to);
    if (from === undefined || to === undefined) continue;
    total += edge.weight;
    if (from === to) {
      const i = index.get(from) ?? 0;
      inside[i] = (inside[i] ?? 0) + 1;
      continue;
    }
    crossing += edge.weight;
    interfaces.add(edge.to);
    const key = from < to ? `${from}\u0000${to}` : `${to}\u0000${from}`;
    between.set(key, (between.get(key) ?? 0) + 1);
  }
  const k = ids.length;
  const cohesion = k === 0 ? 0 : ids.reduce((sum, _, i) => sum + (inside[i] ?? 0) / Math.max(1, (files[i] ?? 1) ** 2), 0) / k;
  let coupling2 = 0;
  for (const [key, edges] of between) {
    const [a, b] = key.split('\u0000');
    coupling2 += edges / (2 * (files[index.get(a ?? '') ?? 0] ?? 1) * (files[index.get(b ?? '') ?? 0] ?? 1));
  }
  const sm = k > 1 ? cohesion - coupling2 / ((k * (k - 1)) / 2) : cohesion;
  const n = files.reduce((sum, count) => sum + count, 0);
  const nonExtreme = files.filter((count) => count >= NED_MIN && count <= NED_MAX).reduce((sum, count) => sum + count, 0);
  const communities = new Map<string, number>();
  for (const [path, id] of assignment) {
    const i = index.get(id);
    if (i !== undefined) communities.set(path, i);
  }
  const kept = coupling.induced(new Set(communities.keys()));
  return {
    modularity: round(modularity(kept, communities)),
    sm: round(sm),
    icp: round(total === 0 ? 0 : crossing / total),
    ifn: round(k === 0 ? 0 : interfaces.size / k),
    ned: round(n === 0 ? 0 : 1 - nonExtreme / n),
  };
}
