/**
 * The analysis.json contract, schema version 1 (shared/contracts/analysis-v1.md): the
 * types, and a reader that checks a file against them and their invariant. The analyzer
 * writes it; the report renderer, `strangler plan` and CI checks read it.
 * Core fields must not be renamed or removed without bumping schemaVersion; fields may be
 * added (the optional ones below are our additions).
 */
import { StranglerError } from '../errors.js';

export interface AnalysisModule {
  path: string;
  loc: number;
  /** Candidate id, "shared" for the shared kernel, or null when left out. */
  candidate: string | null;
}

export interface AnalysisEdge {
  from: string;
  to: string;
  weight: number;
  typeOnly: boolean;
  dynamic: boolean;
}

export interface AnalysisCandidate {
  id: string;
  name: string;
  modules: string[];
  routes: Array<{ method: string; path: string; module: string }>;
  tables: Array<{ name: string; reads: number; writes: number }>;
  dependsOn: Array<{ candidate: string; edges: number }>;
  metrics: { files: number; loc: number; cohesion: number };
}

export interface AnalysisV1 {
  schemaVersion: 1;
  tool: { name: string; version: string };
  root: string;
  stats: {
    files: number;
    edges: number;
    durationMs: number;
    unresolvedImports?: number;
    routes?: number;
    tables?: number;
    commits?: number;
  };
  modules: AnalysisModule[];
  edges: AnalysisEdge[];
  candidates: AnalysisCandidate[];
  sharedKernel: string[];
  metrics: { modularity: number; sm: number; icp: number; ifn: number; ned: number };
  extractionOrder: string[];
  warnings: Array<{ code: string; path?: string; message: string }>;
  /** Added: each extraction step with the reason for its place. */
  extractionPlan?: Array<{ candidate: string; reason: string }>;
  /** Added: tables written by more than one candidate (the sync must carry them). */
  sharedTables?: Array<{ table: string; writers: string[]; readers: string[] }>;
  /** Added: cycles between candidates. */
  cycles?: string[][];
  /** Added: every HTTP route found, with its candidate. */
  routes?: Array<{ method: string; path: string; module: string; candidate: string | null }>;
  /** Added: imports that did not resolve inside the repo. */
  unresolved?: Array<{ from: string; specifier: string }>;
  /** Added: why each shared-kernel module was set aside as a library. */
  sharedKernelReasons?: Record<string, string>;
  /** Added: modules with candidate null (migrations, seeds, scripts, build settings, the browser frontend), with the reason. */
  leftOut?: Record<string, string>;
  /** Added: files moved to the candidate that owns a table they write. */
  tableMoves?: Array<{ module: string; table: string; from: string; to: string }>;
  /** Added: the score against an expected decomposition (`--compare`). */
  comparison?: { expected: string; mojoFm: number; ari: number; nmi: number; candidates: { actual: number; expected: number } };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks `value` against the contract and returns it typed. Throws ANALYSIS_VERSION for
 * another schema version and ANALYSIS_INVALID naming the first fields that are wrong.
 */
export function readAnalysis(value: unknown, source = 'analysis.json'): AnalysisV1 {
  if (isObject(value) && value.schemaVersion !== 1) {
    throw new StranglerError(
      'ANALYSIS_VERSION',
      `${source} has schemaVersion ${JSON.stringify(value.schemaVersion)}; this strangler reads version 1. Re-run \`strangler analyze\` with this version.`,
    );
  }
  if (isAnalysisV1(value)) return value;
  throw new StranglerError(
    'ANALYSIS_INVALID',
    `${source} does not follow analysis.json v1:\n  - ${analysisProblems(value).join('\n  - ')}\nRe-run \`strangler analyze\` to produce a valid file.`,
  );
}

export function isAnalysisV1(value: unknown): value is AnalysisV1 {
  return analysisProblems(value).length === 0;
}

/** What is wrong with `value` as an analysis.json v1 (at most 20 problems); empty when it is valid. */
export function analysisProblems(value: unknown): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, message: string): void => {
    if (!ok && problems.length < 20) problems.push(message);
  };
  if (!isObject(value)) return ['the file is not a JSON object'];
  need(value.schemaVersion === 1, 'schemaVersion must be 1');
  need(
    isObject(value.tool) && typeof value.tool.name === 'string' && typeof value.tool.version === 'string',
    'tool must be { name, version }',
  );
  need(typeof value.root === 'string', 'root must be a string');
  need(
    isObject(value.stats) && ['files', 'edges', 'durationMs'].every((key) => typeof (value.stats as Json)[key] === 'number'),
    'stats must have files, edges, durationMs',
  );
  need(Array.isArray(value.modules), 'modules must be a list');
  need(Array.isArray(value.edges), 'edges must be a list');
  need(Array.isArray(value.candidates), 'candidates must be a list');
  need(Array.isArray(value.sharedKernel), 'sharedKernel must be a list');
  need(
    isObject(value.metrics) && ['modularity', 'sm', 'icp', 'ifn', 'ned'].every((key) => typeof (value.metrics as Json)[key] === 'number'),
    'metrics must have modularity, sm, icp, ifn, ned',
  );
  need(
    Array.isArray(value.extractionOrder) && value.extractionOrder.every((id) => typeof id === 'string'),
    'extractionOrder must be a list of candidate ids',
  );
  need(Array.isArray(value.warnings), 'warnings must be a list');
  if (problems.length === 0) {
    const modules = value.modules as unknown[];
    modules.forEach((m, i) => {
      need(
        isObject(m) && typeof m.path === 'string' && typeof m.loc === 'number' && (m.candidate === null || typeof m.candidate === 'string'),
        `modules[${i}] must be { path, loc, candidate }`,
      );
    });
    (value.edges as unknown[]).forEach((e, i) => {
      need(
        isObject(e) &&
          typeof e.from === 'string' &&
          typeof e.to === 'string' &&
          typeof e.weight === 'number' &&
          typeof e.typeOnly === 'boolean' &&
          typeof e.dynamic === 'boolean',
        `edges[${i}] must be { from, to, weight, typeOnly, dynamic }`,
      );
    });
    (value.candidates as unknown[]).forEach((c, i) => {
      need(
        isObject(c) &&
          typeof c.id === 'string' &&
          /^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id) &&
          typeof c.name === 'string' &&
          ['modules', 'routes', 'tables', 'dependsOn'].every((key) => Array.isArray(c[key])) &&
          isObject(c.metrics),
        `candidates[${i}] must be { id (kebab-case), name, modules, routes, tables, dependsOn, metrics }`,
      );
    });
  }
  if (problems.length === 0) {
    // The invariant: every module with a candidate is listed exactly once where it belongs.
    const listed = new Map<string, string[]>();
    const note = (path: string, where: string): void => {
      listed.set(path, [...(listed.get(path) ?? []), where]);
    };
    for (const candidate of value.candidates as AnalysisCandidate[]) for (const path of candidate.modules) note(path, candidate.id);
    for (const path of value.sharedKernel as string[]) note(path, 'shared');
    for (const module of value.modules as AnalysisModule[]) {
      if (module.candidate === null) continue;
      const where = listed.get(module.path) ?? [];
      need(
        where.length === 1 && where[0] === module.candidate,
        `module ${module.path} has candidate "${module.candidate}" but is listed in [${where.join(', ')}]`,
      );
    }
  }
  return problems;
}
