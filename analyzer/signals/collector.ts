/**
 * The seam between the extract stage and the signal collectors. The extract stage parses
 * each file once and shows it to every collector (`visit`), then hands over its import
 * resolver (`finish`). These shapes are structurally identical to the extract stage's own,
 * so the signals never import the extract stage.
 */
import type ts from 'typescript';

export interface ParsedFile {
  /** Relative to the analyzed root, `/` separators. */
  path: string;
  text: string;
  /** Parsed with `setParentNodes: true`. */
  sourceFile: ts.SourceFile;
}

export interface CollectorContext {
  root: string;
  modules: ReadonlySet<string>;
  resolveImport(fromPath: string, specifier: string): string | undefined;
}

export interface FileCollector {
  visit(file: ParsedFile): void;
  finish(context: CollectorContext): void;
}
