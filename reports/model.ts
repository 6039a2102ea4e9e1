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
export function leftOutKind(reason: string | undefined): string {
  const colon = reason?.indexOf(':') ?? -1;
  return reason !== undefined && colon > 0 ? reason.slice(0, colon) : 'other';
}

/**
 * The files left out of every candidate, counted by kind, most first: `1,232 files left out:
 * 900 frontend (browser UI …), 332 tooling (…)`. Undefined when none were (or analysis.json
 * does not say why).
 */
export function leftOutSummary(analysis: AnalysisV1): string | undefined {
  const counts = new Map<string, number>();
  for (const reason of Object.values(analysis.leftOut ?? {})) {
    const kind = leftOutKind(reason);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  if (counts.size === 0) return undefined;
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const parts = [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([kind, count]) => `${count.toLocaleString('en-US')} ${kind}${LEFT_OUT_KINDS[kind] ? ` (${LEFT_OUT_KINDS[kind]})` : ''}`);
  return `${total.toLocaleString('en-US')} file${total === 1 ? '' : 's'} left out: ${parts.join(', ')}`;
}
