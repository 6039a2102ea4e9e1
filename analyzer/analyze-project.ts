/**
 * `strangler analyze` as a library call, the whole flow in one place:
 *   collect (extract + signals) -> boundaries (pure) -> compare (optional) -> analysis.json
 * Progress goes to `onProgress`; nothing is printed and nothing is written here.
 */
import { readFile } from 'node:fs/promises';
import type { AnalysisV1 } from '../common/contracts/analysis-v1.js';
import { messageOf, StranglerError } from '../common/errors.js';
import { packageVersion } from '../common/package-info.js';
import { proposeBoundaries } from './boundaries/index.js';
import { buildAnalysis, type AnalysisMeta } from './build-analysis.js';
import { collectProject, type CollectOptions, type CollectProgress } from './collect-project.js';
import { compareDecomposition } from './compare/index.js';
import { readExpectedBoundaries } from './expected-boundaries.js';
import type { ExpectedBoundaries } from './model.js';

export type AnalyzeProgress = CollectProgress | { phase: 'boundaries'; done: number; total: number };

export interface AnalyzeOptions extends Omit<CollectOptions, 'onProgress'> {
  /** Force this many candidates (otherwise chosen from the graph). */
  services?: number;
  /** Keep the browser frontend in the candidates (left out by default). */
  keepFrontend?: boolean;
  /** An expected decomposition to score the result against. */
  compare?: { source: string; expected: ExpectedBoundaries };
  onProgress?: (event: AnalyzeProgress) => void;
}

/** Reads `--compare <file>` before any work starts, so a bad file fails fast. */
export async function loadExpectedBoundaries(file: string): Promise<ExpectedBoundaries> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new StranglerError(
      'ANALYZE_NO_EXPECTED',
      `Cannot read ${file}: ${messageOf(cause)}. Give the path of an expected-boundaries JSON file.`,
      {
        cause,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new StranglerError('ANALYZE_BAD_EXPECTED', `${file} is not valid JSON: ${messageOf(cause)}.`, { cause });
  }
  return readExpectedBoundaries(parsed, file);
}

export async function analyzeProject(root: string, options: AnalyzeOptions = {}): Promise<AnalysisV1> {
  const started = performance.now();
  const { services, keepFrontend, compare, onProgress, ...collectOptions } = options;
  const project = await collectProject(root, onProgress ? { ...collectOptions, onProgress } : collectOptions);
  onProgress?.({ phase: 'boundaries', done: 0, total: 1 });
  const boundaries = proposeBoundaries(project, { ...(services === undefined ? {} : { services }), keepFrontend: keepFrontend === true });
  onProgress?.({ phase: 'boundaries', done: 1, total: 1 });
  const meta: AnalysisMeta = {
    tool: { name: 'strangler', version: packageVersion() },
    durationMs: performance.now() - started,
    commits: project.stats.commits,
  };
  if (compare) meta.comparison = { expected: compare.source, scores: compareDecomposition(boundaries, compare.expected) };
  return buildAnalysis(project, boundaries, meta);
}
