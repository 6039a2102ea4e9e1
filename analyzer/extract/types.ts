/**
 * The extract stage's public shapes: options, result, and the collector seam through which
 * other stages (routes, tables) see each syntax tree during the one parse.
 */
import type { Logger } from '../../common/logger.js';
import type { ImportEdge, SourceModule, UnresolvedImport, Warning } from '../model.js';

export type { CollectorContext, FileCollector, ParsedFile } from '../collector.js';

export interface ExtractProgress {
  phase: 'discover' | 'parse' | 'resolve';
  done: number;
  total: number;
}

export interface ExtractOptions {
  /** Globs (root-relative) a source file must match; default: every source file. */
  include?: string[];
  /** Globs (root-relative) of files and folders to leave out, on top of the defaults. */
  exclude?: string[];
  /** Keep test files and folders (left out by default). */
  includeTests?: boolean;
  /** Files larger than this are skipped with a FILE_TOO_LARGE warning (default 1 MB). */
  maxFileBytes?: number;
  logger?: Logger;
  onProgress?: (event: ExtractProgress) => void;
}

export interface ExtractStats {
  /** Source files found, before the size, binary and readability checks. */
  discovered: number;
  /** `import(x)`/`require(x)` with a computed argument: counted, never edges. */
  nonLiteralImports: number;
  durationMs: number;
}

export interface ExtractResult {
  /** The root as given. */
  root: string;
  /** Sorted by path. */
  modules: SourceModule[];
  /** Sorted by `from`, then `to`. */
  edges: ImportEdge[];
  /** The same, with imports through barrels counted towards the files that declare the names (ExtractedProject.couplingEdges). */
  couplingEdges: ImportEdge[];
  /** Relative and aliased imports that name no file, sorted by `from`. */
  unresolved: UnresolvedImport[];
  /** External package -> number of files that import it. */
  externals: Record<string, number>;
  /** Files that import a browser UI framework (react, vue, @angular/core…) -> that package. */
  uiImports: Record<string, string>;
  /** Files that a package.json script runs as a tool, with the script (ExtractedProject.scriptRuns). */
  scriptRuns: Record<string, string>;
  /** Sorted by path, then code. */
  warnings: Warning[];
  stats: ExtractStats;
}
