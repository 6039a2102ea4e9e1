/**
 * The seam between the extract stage and the signal collectors: the extract stage parses
 * each file once and shows it to every collector (`visit`), then hands over its import
 * resolver (`finish`). Both stages import these shapes from here, never from each other.
 */
import type ts from 'typescript';

export interface ParsedFile {
  /** Relative to the analyzed root, `/` separators. */
  path: string;
  text: string;
  /** Parsed with `setParentNodes: true`; do not keep it past `visit`. */
  sourceFile: ts.SourceFile;
}

export interface CollectorContext {
  root: string;
  modules: ReadonlySet<string>;
  /** The analyzed file an import specifier names, or undefined (external, unresolved, not a source). */
  resolveImport(fromPath: string, specifier: string): string | undefined;
}

/** A signal extractor that sees every parsed file, then the import resolver. */
export interface FileCollector {
  visit(file: ParsedFile): void;
  finish(context: CollectorContext): void;
}
