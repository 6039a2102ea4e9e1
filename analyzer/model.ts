/**
 * The analyzer's internal data model, shared by its three stages:
 *   extract (fs, parsers) -> graph/signals (pure) -> boundaries (pure) -> analysis.json
 * Paths are always relative to the analyzed root, with `/` separators.
 */
import type { AnalysisCandidate } from '../common/contracts/analysis-v1.js';

export interface Warning {
  /**
   * Stable code, e.g. PARSE_ERROR, FILE_TOO_LARGE, BINARY_FILE, UNREADABLE, SYMLINK_LOOP, UNRESOLVED_IMPORT,
   * TSCONFIG_INVALID, PRISMA_SCHEMA_MISSING, TABLE_DYNAMIC_NAME, ROUTE_DYNAMIC_PREFIX, ROUTE_DYNAMIC_VERSION,
   * ROUTE_UNMOUNTED_ROUTER, GIT_UNAVAILABLE.
   */
  code: string;
  path?: string;
  message: string;
}

export type SourceLanguage = 'ts' | 'tsx' | 'js' | 'jsx' | 'mjs' | 'cjs' | 'mts' | 'cts' | 'vue' | 'svelte';

export interface SourceModule {
  path: string;
  /** Non-blank, non-comment-only lines. */
  loc: number;
  language: SourceLanguage;
}

/** One import-like reference from one file, before aggregation. */
export interface ImportRef {
  specifier: string;
  kind: 'import' | 'export' | 'require' | 'dynamic-import' | 'import-equals';
  /** `import type`, `export type`, or every named binding marked `type`. */
  typeOnly: boolean;
  /** Names imported (`default`, `*` for namespace/side-effect/require/dynamic). */
  names: string[];
}

/** Edges aggregated per (from, to). */
export interface ImportEdge {
  from: string;
  to: string;
  /** Number of distinct imported symbols (at least 1). */
  weight: number;
  /** True when every reference from `from` to `to` is type-only (declared, or names that `to` exports only as types). */
  typeOnly: boolean;
  /** True when every reference is a dynamic `import()`. */
  dynamic: boolean;
}

export interface UnresolvedImport {
  from: string;
  specifier: string;
}

export interface HttpRoute {
  method: string;
  /** Full path with router prefixes joined, params as `:name`. */
  path: string;
  module: string;
  framework: 'express' | 'koa' | 'fastify' | 'nestjs' | 'hono' | 'nextjs' | 'nuxt' | 'sveltekit' | 'unknown';
}

export type TableAccessVia = 'sql' | 'knex' | 'typeorm' | 'prisma' | 'sequelize' | 'mikro-orm' | 'drizzle' | 'mongoose';

export interface TableAccess {
  table: string;
  module: string;
  reads: number;
  writes: number;
  via: TableAccessVia;
}

/** Logical coupling from version history (Code Maat's "coupling"). */
export interface CoChange {
  a: string;
  b: string;
  /** Commits that changed both. */
  shared: number;
  /** shared / average revisions of a and b, in [0, 1]. */
  degree: number;
}

/** ExtractedProject.uiImports' value for a file that holds JSX and imports no framework (React's automatic runtime). */
export const JSX_EVIDENCE = 'JSX';

/** ExtractedProject.uiImports' value for a single-file component that imports no framework: what it is. */
export const COMPONENT_EVIDENCE = { vue: 'Vue component', svelte: 'Svelte component' } as const;

/** ExtractedProject.uiImports' value for a file of a Nuxt app's own folders (app/, or pages/, composables/… beside nuxt.config). */
export const NUXT_APP_EVIDENCE = 'Nuxt app file';

/** What the extract stage produces. */
export interface ExtractedProject {
  root: string;
  modules: SourceModule[];
  edges: ImportEdge[];
  /**
   * The edges as the coupling graph takes them: an import through a barrel (a file that only
   * re-exports) counts towards the files that declare the imported names. Absent: `edges`.
   */
  couplingEdges?: ImportEdge[];
  unresolved: UnresolvedImport[];
  /** Bare specifiers that name packages outside the repo, with how many files use each. */
  externals: Record<string, number>;
  /**
   * Files that import a browser UI framework (react, vue, @angular/core…), with the package,
   * or JSX_EVIDENCE for a .tsx/.jsx file that holds JSX without such an import, or a
   * COMPONENT_EVIDENCE value for a .vue/.svelte file without one, or NUXT_APP_EVIDENCE. Absent: none
   * known (hand-built projects).
   */
  uiImports?: Record<string, string>;
  /**
   * Files that a package.json script (not as the application it starts) or a CI workflow
   * runs, with what runs them: `{ 'extra/reset-password.js': 'the package.json script
   * "reset-password"' }`. Absent: none known.
   */
  scriptRuns?: Record<string, string>;
  routes: HttpRoute[];
  tables: TableAccess[];
  coChange: CoChange[];
  warnings: Warning[];
}

/** Per-candidate result of the boundaries stage: exactly the contract's candidate. */
export type Candidate = AnalysisCandidate;

export interface BoundaryMetrics {
  modularity: number;
  sm: number;
  icp: number;
  ifn: number;
  ned: number;
}

export interface ExtractionStep {
  candidate: string;
  reason: string;
}

export interface SharedTable {
  table: string;
  /** Candidates that write it (more than one) and those that only read it. */
  writers: string[];
  readers: string[];
}

export interface Boundaries {
  candidates: Candidate[];
  sharedKernel: string[];
  /** Why each shared-kernel module is there (composition root, utility imported from N areas, …). */
  sharedKernelReasons: Record<string, string>;
  /** module path -> candidate id, or "shared". */
  assignment: Record<string, string>;
  metrics: BoundaryMetrics;
  extractionOrder: ExtractionStep[];
  sharedTables: SharedTable[];
  /** Cycles between candidates (each a list of candidate ids, the first repeated at the end). */
  cycles: string[][];
  /** Files moved to the candidate that owns the table they write (table-ownership refinement). */
  tableMoves: Array<{ module: string; table: string; from: string; to: string }>;
  /** Modules left out of every candidate and of the shared kernel (migrations, seeds, scripts, frontend code), with the reason. */
  leftOut: Record<string, string>;
}

/** An expected decomposition (fixtures' expected-boundaries.json) or any reference partition. */
export interface ExpectedBoundaries {
  description?: string;
  candidates: Array<{ id: string; name?: string; modules: string[]; tables?: string[]; routes?: string[] }>;
  sharedKernel?: string[];
}

export interface ComparisonScores {
  mojoFm: number;
  ari: number;
  nmi: number;
  candidates: { actual: number; expected: number };
  /** Modules present on both sides (the only ones scored). */
  compared: number;
  /** mno(actual, expected): the Move and Join operations MoJoFM counts. */
  moves: number;
}
