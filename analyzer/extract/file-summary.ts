/**
 * What the extract stage keeps of a file once its syntax tree is gone: the import-like
 * references it makes and a summary of what it exports, enough to tell later whether a
 * name it exports is a type only (possibly through re-exports).
 */
import type { ImportRef } from '../model.js';

/** An import reference plus which of its names were marked `type` one by one. */
export interface SourceRef extends ImportRef {
  typeNames?: ReadonlySet<string>;
}

export type ExportKind = 'type' | 'value';

export interface ForwardedExport {
  specifier: string;
  /** The name in the module it comes from (`default`, or `*` for `export * as ns`). */
  name: string;
  typeOnly: boolean;
}

export interface ExportSummary {
  /** Names whose kind the file itself decides. */
  local: Map<string, ExportKind>;
  /** Names passed on from another module: `export { a as b } from './x'`, or an import exported again. */
  forwarded: Map<string, ForwardedExport>;
  /** `export * from './x'` (typeOnly for `export type *`). */
  star: Array<{ specifier: string; typeOnly: boolean }>;
  /**
   * A barrel: the file only passes on what other files declare (imports and exports, nothing of
   * its own), like an `index.ts` of `export … from` lines.
   */
  barrel: boolean;
}

export interface ParseProblem {
  line: number;
  message: string;
}

export interface FileSummary {
  refs: SourceRef[];
  exports: ExportSummary;
  /** `import(x)` / `require(x)` with a computed argument: counted, never an edge. */
  nonLiteralImports: number;
  parseError: ParseProblem | undefined;
  loc: number;
  /**
   * UI markup, so UI code even without an import of the framework: JSX_EVIDENCE for a
   * .tsx/.jsx file that holds JSX (the automatic JSX runtime), a COMPONENT_EVIDENCE value for
   * a .vue/.svelte file; undefined for other files.
   */
  markup: string | undefined;
}
