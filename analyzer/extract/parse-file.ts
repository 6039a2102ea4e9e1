/**
 * One syntactic parse per file (TypeScript's parser, no program, no type checker) and the
 * summary the extract stage keeps once the tree is dropped.
 */
import ts from 'typescript';
import { COMPONENT_EVIDENCE, JSX_EVIDENCE, type SourceLanguage } from '../model.js';
import { componentScripts } from './component-scripts.js';
import { summarizeExports } from './export-summary.js';
import type { FileSummary, ParseProblem } from './file-summary.js';
import { collectImportRefs } from './import-refs.js';
import { countLoc } from './loc.js';

type ScriptLanguage = Exclude<SourceLanguage, keyof typeof COMPONENT_EVIDENCE>;

const isComponent = (language: SourceLanguage): language is keyof typeof COMPONENT_EVIDENCE => language in COMPONENT_EVIDENCE;

const SCRIPT_KINDS: Record<ScriptLanguage, ts.ScriptKind> = {
  ts: ts.ScriptKind.TS,
  mts: ts.ScriptKind.TS,
  cts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
  js: ts.ScriptKind.JS,
  mjs: ts.ScriptKind.JS,
  cjs: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
};

/**
 * `withParents` sets every node's `parent` (what collectors walking the tree need); without
 * collectors nobody looks, and skipping it saves a fifth of the parse. JSDoc is parsed in
 * JavaScript files only, where it carries types. A single-file component's tree is that of
 * its scripts, at their places in the file (component-scripts.ts).
 */
export function parseSourceFile(path: string, text: string, language: SourceLanguage, withParents: boolean): ts.SourceFile {
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeInfo };
  if (isComponent(language)) {
    const scripts = componentScripts(text);
    return ts.createSourceFile(path, scripts.text, options, withParents, scripts.scriptKind);
  }
  return ts.createSourceFile(path, text, options, withParents, SCRIPT_KINDS[language]);
}

function isDiagnostic(value: unknown): value is ts.Diagnostic {
  if (typeof value !== 'object' || value === null || !('start' in value) || !('messageText' in value)) return false;
  const messageText = value.messageText;
  return (
    typeof value.start === 'number' &&
    (typeof messageText === 'string' || (typeof messageText === 'object' && messageText !== null && 'messageText' in messageText))
  );
}

/**
 * The parser's syntax errors. `parseDiagnostics` exists on every ts.SourceFile at run time
 * but is not part of the public typings, so it is read as unknown and narrowed.
 */
export function parseDiagnosticsOf(sourceFile: ts.SourceFile): ts.Diagnostic[] {
  const list: unknown = Reflect.get(sourceFile, 'parseDiagnostics');
  if (!Array.isArray(list)) return [];
  const items: readonly unknown[] = list;
  return items.filter(isDiagnostic);
}

function firstParseProblem(sourceFile: ts.SourceFile): ParseProblem | undefined {
  const first = parseDiagnosticsOf(sourceFile)[0];
  if (first === undefined) return undefined;
  return {
    line: sourceFile.getLineAndCharacterOfPosition(first.start ?? 0).line + 1,
    message: ts.flattenDiagnosticMessageText(first.messageText, ' '),
  };
}

/** Whether the tree holds a JSX element or fragment (stops at the first). */
function containsJsx(node: ts.Node): boolean {
  return (
    ts.isJsxElement(node) ||
    ts.isJsxSelfClosingElement(node) ||
    ts.isJsxFragment(node) ||
    ts.forEachChild(node, (child) => (containsJsx(child) ? true : undefined)) === true
  );
}

/**
 * `language` and `text` (the file as read) matter for a single-file component only: its lines
 * of code count its template and styles too, and it is UI markup whatever its script holds.
 */
export function summarizeFile(sourceFile: ts.SourceFile, language?: SourceLanguage, text = sourceFile.text): FileSummary {
  const { refs, nonLiteralImports } = collectImportRefs(sourceFile);
  let markup: string | undefined;
  if (language !== undefined && isComponent(language)) markup = COMPONENT_EVIDENCE[language];
  else if (sourceFile.languageVariant === ts.LanguageVariant.JSX && containsJsx(sourceFile)) markup = JSX_EVIDENCE;
  return {
    refs,
    exports: summarizeExports(sourceFile),
    nonLiteralImports,
    parseError: firstParseProblem(sourceFile),
    loc: countLoc(text),
    markup,
  };
}
