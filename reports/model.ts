/**
 * What every report format derives from analysis.json the same way: metric help texts,
 * the candidate × table matrix, the heaviest cross-boundary imports.
 */
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';

export interface MetricHelp {
  key: keyof AnalysisV1['metrics'];
  label: string;
  meaning: string;
  better: 'higher' | 'lower';
}

export const METRIC_HELP: readonly MetricHelp[] = [
  {
    key: 'modularity',
    label: 'Modularity Q',
    meaning: 'How much more the files of a candidate are tied to each other than chance would give',
    better: 'higher',
  },
  { key: 'sm', label: 'Structural modularity (SM)', meaning: 'Cohesion inside candidates minus coupling between them', better: 'higher' },
  { key: 'icp', label: 'Inter-partition calls (ICP)', meaning: 'Share of import weight that crosses candidate lines', better: 'lower' },
  {
    key: 'ifn',
    label: 'Interface number (IFN)',
    meaning: 'Files per candidate that other candidates import (its interface)',
    better: 'lower',
  },
  { key: 'ned', label: 'Non-extreme distribution (NED)', meaning: 'Share of files in candidates of a workable size', better: 'higher' },
];

export interface TableMatrix {
  tables: string[];
  /** 'R', 'W', 'RW' or '' for a table and a candidate. */
  cell(table: string, candidate: string): string;
}

export function tableMatrix(analysis: AnalysisV1): TableMatrix {
  const cells = new Map<string, string>();
  const names = new Set<string>();
  for (const candidate of analysis.candidates) {
    for (const table of candidate.tables) {
      names.add(table.name);
      cells.set(`${table.name}\u0000${candidate.id}`, `${table.reads > 0 ? 'R' : ''}${table.writes > 0 ? 'W' : ''}`);
    }
  }
  return { tables: [...names].sort(), cell: (table, candidate) => cells.get(`${table}\u0000${candidate}`) ?? '' };
}

export interface CrossEdge {
  from: string;
  to: string;
  toCandidate: string;
  weight: number;
}

/** The heaviest imports from one candidate's files into other candidates (shared kernel excluded). */
export function heaviestCrossEdges(analysis: AnalysisV1, candidateId: string, limit: number): CrossEdge[] {
  const owner = new Map(analysis.modules.map((m) => [m.path, m.candidate]));
  return analysis.edges
    .filter((e) => owner.get(e.from) === candidateId)
    .map((e) => ({ from: e.from, to: e.to, toCandidate: owner.get(e.to) ?? '', weight: e.weight }))
    .filter((e) => e.toCandidate !== '' && e.toCandidate !== candidateId && e.toCandidate !== 'shared')
    .sort((a, b) => b.weight - a.weight || a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
    .slice(0, limit);
}

/** What each kind of left-out file is (the word before the colon of its reason in `leftOut`). */
const LEFT_OUT_KINDS: Record<string, string> = {
  frontend: 'browser UI that no server code imports; --include-frontend keeps it',
  tooling: 'migrations, seeds, scripts, build settings',
};

/** The kind of a left-out file's reason: the word before its colon (`frontend`, `tooling`), else `other`. */
function leftOutKind(reason: string | undefined): string {
  const colon = reason?.indexOf(':') ?? -1;
  return reason !== undefined && colon > 0 ? reason.slice(0, colon) : 'other';
}

/** `paths` grouped by the kind of their reason in `leftOut`, the largest group first (then by kind). */
export function leftOutByKind(analysis: AnalysisV1, paths: Iterable<string>): Array<[kind: string, paths: string[]]> {
  const byKind = new Map<string, string[]>();
  for (const path of paths) {
    const kind = leftOutKind(analysis.leftOut?.[path]);
    const group = byKind.get(kind);
    if (group) group.push(path);
    else byKind.set(kind, [path]);
  }
  return [...byKind].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1));
}

/**
 * The files left out of every candidate, counted by kind, most first: `1,232 files left out:
 * 900 frontend (browser UI …), 332 tooling (…)`. Undefined when none were (or analysis.json
 * does not say why).
 */
export function leftOutSummary(analysis: AnalysisV1): string | undefined {
  const groups = leftOutByKind(analysis, Object.keys(analysis.leftOut ?? {}));
  if (groups.length === 0) return undefined;
  const total = groups.reduce((sum, [, paths]) => sum + paths.length, 0);
  const parts = groups.map(
    ([kind, paths]) => `${paths.length.toLocaleString('en-US')} ${kind}${LEFT_OUT_KINDS[kind] ? ` (${LEFT_OUT_KINDS[kind]})` : ''}`,
  );
  return `${total.toLocaleString('en-US')} file${total === 1 ? '' : 's'} left out: ${parts.join(', ')}`;
}
