/**
 * The data the report's browser script works from, derived from analysis.json: files and
 * import edges packed into arrays (a 10,000-file analysis stays a few MB), one group per
 * candidate plus the shared kernel and the files left out, and the order of the groups
 * around the ring the graph is laid out on.
 */
import type { AnalysisV1 } from '../../common/contracts/analysis-v1.js';

/** Above this many files the graph opens at candidate level and expands candidates on demand. */
export const CANDIDATE_LEVEL_OVER = 1500;

export type GroupKind = 'candidate' | 'shared' | 'none';

export interface ReportGroup {
  /** Candidate id, "shared", or "" for files left out of every candidate. */
  key: string;
  name: string;
  kind: GroupKind;
  color: string;
  files: number;
  loc: number;
}

export interface ReportData {
  title: string;
  /** Whether the graph opens with one node per candidate. */
  candidateLevel: boolean;
  groups: ReportGroup[];
  /** One entry per file: [path, lines of code, group index]. */
  files: Array<[string, number, number]>;
  /** Import edges, four numbers each: from file index, to file index, weight, flags (1 type-only, 2 dynamic). */
  edges: number[];
  /** Group indices in the order they sit around the ring (the shared kernel sits in the middle). */
  ring: number[];
}

// Tableau 10 followed by the rest of D3's category20 darks: distinct on a white page.
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#1f77b4',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#393b79',
  '#637939',
  '#ad494a',
];
export const SHARED_COLOR = '#5b6472';
export const NONE_COLOR = '#b8bec8';

/** Colour of the n-th candidate: the palette, then hues spread by the golden angle. */
export function candidateColor(index: number): string {
  const fixed = PALETTE[index];
  if (fixed !== undefined) return fixed;
  // sigma reads hex and rgb() colours only, so the hue is converted here (HSL with S 55%, L 48%).
  const hue = (index * 137.508) % 360;
  const s = 0.55;
  const l = 0.48;
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const value = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

export const TYPE_ONLY = 1;
export const DYNAMIC = 2;

export function buildReportData(analysis: AnalysisV1): ReportData {
  const groups: ReportGroup[] = analysis.candidates.map((candidate, index) => ({
    key: candidate.id,
    name: candidate.name,
    kind: 'candidate',
    color: candidateColor(index),
    files: 0,
    loc: 0,
  }));
  const groupOf = new Map(analysis.candidates.map((candidate, index) => [candidate.id, index]));
  let shared = -1;
  let none = -1;
  const fileGroup = (candidate: string | null): number => {
    const known = candidate === null ? undefined : groupOf.get(candidate);
    if (known !== undefined) return known;
    if (candidate === 'shared') {
      if (shared < 0)
        shared = groups.push({ key: 'shared', name: 'shared kernel', kind: 'shared', color: SHARED_COLOR, files: 0, loc: 0 }) - 1;
      return shared;
    }
    if (none < 0) none = groups.push({ key: '', name: 'not in a candidate', kind: 'none', color: NONE_COLOR, files: 0, loc: 0 }) - 1;
    return none;
  };

  const files: Array<[string, number, number]> = [];
  const fileIndex = new Map<string, number>();
  for (const module of analysis.modules) {
    if (fileIndex.has(module.path)) continue;
    const group = fileGroup(module.candidate);
    const entry = groups[group];
    if (entry) {
      entry.files += 1;
      entry.loc += module.loc;
    }
    fileIndex.set(module.path, files.length);
    files.push([module.path, module.loc, group]);
  }

  const edges: number[] = [];
  for (const edge of analysis.edges) {
    const from = fileIndex.get(edge.from);
    const to = fileIndex.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    edges.push(from, to, edge.weight, (edge.typeOnly ? TYPE_ONLY : 0) | (edge.dynamic ? DYNAMIC : 0));
  }

  return {
    title: analysis.root,
    candidateLevel: files.length > CANDIDATE_LEVEL_OVER,
    groups,
    files,
    edges,
    ring: ringOrder(groups, files, edges),
  };
}

/**
 * Orders the groups around the ring so that coupled groups sit side by side: start with the
 * largest, then repeatedly take the group most coupled to the one placed last (ties: the
 * larger). The shared kernel is left out: it sits in the middle.
 */
export function ringOrder(
  groups: readonly ReportGroup[],
  files: ReadonlyArray<readonly [string, number, number]>,
  edges: readonly number[],
): number[] {
  const coupling = new Map<number, number>();
  const key = (a: number, b: number): number => (a < b ? a * 65536 + b : b * 65536 + a);
  for (let i = 0; i < edges.length; i += 4) {
    const a = files[edges[i] ?? -1]?.[2];
    const b = files[edges[i + 1] ?? -1]?.[2];
    if (a === undefined || b === undefined || a === b) continue;
    coupling.set(key(a, b), (coupling.get(key(a, b)) ?? 0) + (edges[i + 2] ?? 0));
  }
  const left = groups
    .map((group, index) => ({ group, index }))
    .filter(({ group }) => group.kind !== 'shared' && group.files > 0)
    .sort((a, b) => b.group.files - a.group.files || a.index - b.index)
    .map(({ index }) => index);
  const order: number[] = [];
  while (left.length > 0) {
    const last = order[order.length - 1];
    let best = 0;
    if (last !== undefined) {
      let bestCoupling = -1;
      left.forEach((candidate, position) => {
        const value = coupling.get(key(last, candidate)) ?? 0;
        if (value > bestCoupling) {
          bestCoupling = value;
          best = position;
        }
      });
    }
    order.push(...left.splice(best, 1));
  }
  return order;
}
