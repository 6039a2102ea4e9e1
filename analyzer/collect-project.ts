/**
 * Extract + signals: from a directory to everything that couples its code. One parse per
 * file feeds the import graph, the route collector and the table collector; git co-change
 * is read from the log afterwards. Warnings of every stage are kept, nothing is fatal but a
 * missing directory or a tree without sources.
 */
import { extractProject, type ExtractOptions, type ExtractProgress } from './extract/index.js';
import type { ExtractedProject, Warning } from './model.js';
import { collectGitCoChange, createRouteCollector, createTableCollector, type CoChangeOptions } from './signals/index.js';

export type CollectProgress = ExtractProgress | { phase: 'git'; done: number; total: number };

export interface CollectOptions extends Omit<ExtractOptions, 'onProgress'> {
  /** Read git co-change (default true; off with `--no-git`). */
  git?: boolean;
  coChange?: CoChangeOptions;
  onProgress?: (event: CollectProgress) => void;
}

export interface CollectStats {
  discovered: number;
  nonLiteralImports: number;
  extractMs: number;
  gitMs: number;
  /** Commits read for co-change (0 without git). */
  commits: number;
}

export type CollectedProject = ExtractedProject & { stats: CollectStats };

export async function collectProject(root: string, options: CollectOptions = {}): Promise<CollectedProject> {
  const routes = createRouteCollector();
  const tables = createTableCollector();
  const { onProgress, git, coChange: coChangeOptions, ...extractOptions } = options;
  const extracted = await extractProject(
    root,
    onProgress ? { ...extractOptions, onProgress: (event) => onProgress(event) } : extractOptions,
    [routes, tables],
  );
  const warnings: Warning[] = [...extracted.warnings, ...routes.warnings(), ...tables.warnings()];

  const gitStarted = performance.now();
  let coChange: ExtractedProject['coChange'] = [];
  let commits = 0;
  if (git !== false) {
    onProgress?.({ phase: 'git', done: 0, total: 1 });
    const result = await collectGitCoChange(root, new Set(extracted.modules.map((module) => module.path)), coChangeOptions ?? {});
    coChange = result.coChange;
    commits = result.commits;
    warnings.push(...result.warnings);
    onProgress?.({ phase: 'git', done: 1, total: 1 });
  }

  return {
    root: extracted.root,
    modules: extracted.modules,
    edges: extracted.edges,
    couplingEdges: extracted.couplingEdges,
    unresolved: extracted.unresolved,
    externals: extracted.externals,
    uiImports: extracted.uiImports,
    scriptRuns: extracted.scriptRuns,
    routes: routes.routes(),
    tables: tables.tables(),
    coChange,
    warnings,
    stats: {
      discovered: extracted.stats.discovered,
      nonLiteralImports: extracted.stats.nonLiteralImports,
      extractMs: extracted.stats.durationMs,
      gitMs: Math.round(performance.now() - gitStarted),
      commits,
    },
  };
}
