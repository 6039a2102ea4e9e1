/**
 * The last, pure step: the collected project and its proposed boundaries become
 * analysis.json (shared/contracts/analysis-v1.md). The contract's invariant (every assigned
 * module in exactly one candidate, or in the shared kernel) is checked before anything is
 * written, so a broken file never leaves the analyzer.
 */
import { analysisProblems, type AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { StranglerError } from '../common/errors.js';
import type { Boundaries, ComparisonScores, ExtractedProject } from './model.js';

export interface AnalysisMeta {
  tool: { name: string; version: string };
  durationMs: number;
  commits: number;
  /** The expected decomposition's file name and the scores against it (`--compare`). */
  comparison?: { expected: string; scores: ComparisonScores };
}

const round = (value: number, digits = 4): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export function buildAnalysis(project: ExtractedProject, boundaries: Boundaries, meta: AnalysisMeta): AnalysisV1 {
  const assignment = boundaries.assignment;
  const candidateOf = (path: string): string | null => assignment[path] ?? null;
  const tables = new Set(project.tables.map((access) => access.table));
  const analysis: AnalysisV1 = {
    schemaVersion: 1,
    tool: { name: meta.tool.name, version: meta.tool.version },
    root: project.root,
    stats: {
      files: project.modules.length,
      edges: project.edges.length,
      durationMs: Math.round(meta.durationMs),
      unresolvedImports: project.unresolved.length,
      routes: project.routes.length,
      tables: tables.size,
      commits: meta.commits,
    },
    modules: project.modules.map((module) => ({ path: module.path, loc: module.loc, candidate: candidateOf(module.path) })),
    edges: project.edges.map((edge) => ({
      from: edge.from,
      to: edge.to,
      weight: edge.weight,
      typeOnly: edge.typeOnly,
      dynamic: edge.dynamic,
    })),
    candidates: boundaries.candidates,
    sharedKernel: boundaries.sharedKernel,
    metrics: {
      modularity: round(boundaries.metrics.modularity),
      sm: round(boundaries.metrics.sm),
      icp: round(boundaries.metrics.icp),
      ifn: round(boundaries.metrics.ifn),
      ned: round(boundaries.metrics.ned),
    },
    extractionOrder: boundaries.extractionOrder.map((step) => step.candidate),
    warnings: project.warnings.map((warning) =>
      warning.path === undefined
        ? { code: warning.code, message: warning.message }
        : { code: warning.code, path: warning.path, message: warning.message },
    ),
    extractionPlan: boundaries.extractionOrder.map((step) => ({ candidate: step.candidate, reason: step.reason })),
    sharedTables: boundaries.sharedTables.map((shared) => ({ table: shared.table, writers: shared.writers, readers: shared.readers })),
    cycles: boundaries.cycles,
    routes: project.routes.map((route) => ({
      method: route.method,
      path: route.path,
      module: route.module,
      candidate: candidateOf(route.module),
    })),
    unresolved: project.unresolved.map((ref) => ({ from: ref.from, specifier: ref.specifier })),
    sharedKernelReasons: { ...boundaries.sharedKernelReasons },
    leftOut: { ...boundaries.leftOut },
    tableMoves: boundaries.tableMoves.map((move) => ({ module: move.module, table: move.table, from: move.from, to: move.to })),
  };
  if (meta.comparison) {
    const { scores } = meta.comparison;
    analysis.comparison = {
      expected: meta.comparison.expected,
      mojoFm: round(scores.mojoFm, 2),
      ari: round(scores.ari),
      nmi: round(scores.nmi),
      candidates: { actual: scores.candidates.actual, expected: scores.candidates.expected },
    };
  }
  const problems = analysisProblems(analysis);
  if (problems.length > 0) {
    throw new StranglerError(
      'ANALYZE_INTERNAL_CONTRACT',
      `The analysis broke its own contract (${problems.slice(0, 3).join('; ')}). This is a bug in strangler; please report it with the repository layout.`,
    );
  }
  return analysis;
}
