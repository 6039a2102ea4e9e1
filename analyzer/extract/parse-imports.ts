/**
 * One syntactic parse per file (no type checker): the import-like references it makes and
 * the names it exports only as types. Parse errors are reported, and what did parse is kept.
 */
import ts from 'typescript';
import type { ImportRef } from '../model.js';

export interface ParsedImports {
  refs: ImportRef[];
  /** Names this file exports that are types only (interfaces, type aliases, `export type`). */
  typeExports: Set<string>;
  /** Non-literal `import()`/`require()` calls, which cannot become edges. */
  dynamicUnknown: number;
  /** First syntax error, if any: `line N: message`. */
  parseError: string | undefined;
  loc: number;
}

function scriptKind(path: string): ts.ScriptKind {
  if (/\.tsx$/.test(path)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(path)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

function literal(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** Lines that hold something other than blanks and comments. */
export function countLoc(text: string): number {
  let loc = 0;
  let inBlock = false;
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end === -1) continue;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    while (line.startsWith('/*')) {
      const end = line.indexOf('*/', 2);
      if (end === -1) {
        inBlock = true;
        line = '';
        break;
      }
      line = line.slice(end + 2).trim();
    }
    if (line !== '' && !line.startsWith('//')) loc++;
  }
  return loc;
}

export function parseImports(path: string, text: string): ParsedImports & { sourceFile: ts.SourceFile } {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
  const refs: ImportRef[] = [];
  const typeExports = new Set<string>();
  let dynamicUnknown = 0;

  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement)) {
      const specifier = literal(statement.moduleSpecifier);
      if (specifier === undefined) continue;
      const clause = statement.importClause;
      const names: string[] = [];
      let typeOnly = clause?.isTypeOnly ?? false;
      if (clause?.name) names.push('default');
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
        if (!clause?.name && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)) typeOnly = true;
      }
      refs.push({ specifier, kind: 'import', typeOnly, names: names.length > 0 ? names : ['*'] });
    } else if (ts.isExportDeclaration(statement)) {
      const specifier = literal(statement.moduleSpecifier);
      const clause = statement.exportClause;
      if (specifier !== undefined) {
        const names = clause && ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : ['*'];
        refs.push({ specifier, kind: 'export', typeOnly: statement.isTypeOnly, names });
      }
      if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) if (statement.isTypeOnly || element.isTypeOnly) typeExports.add(element.name.text);
      }
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const specifier = literal(statement.moduleReference.expression);
      if (specifier !== undefined) refs.push({ specifier, kind: 'import-equals', typeOnly: statement.isTypeOnly, names: ['*'] });
    } else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && isExported(statement)) {
      typeExports.add(statement.name.text);
    }
  }

  if (text.includes('require') || text.includes('import(')) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
        const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1;
        if (isDynamicImport || isRequire) {
          const specifier = literal(node.arguments[0]);
          if (specifier === undefined) dynamicUnknown++;
          else refs.push({ specifier, kind: isDynamicImport ? 'dynamic-import' : 'require', typeOnly: false, names: ['*'] });
        }
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sourceFile, visit);
  }

  const diagnostics = (sourceFile as { parseDiagnostics?: unknown }).parseDiagnostics;
  let parseError: string | undefined;
  if (Array.isArray(diagnostics) && diagnostics.length > 0) {
    const first: unknown = diagnostics[0];
    if (typeof first === 'object' && first !== null && 'start' in first && 'messageText' in first) {
      const start = typeof first.start === 'number' ? first.start : 0;
      const message = first.messageText as string | ts.DiagnosticMessageChain;
      parseError = `line ${sourceFile.getLineAndCharacterOfPosition(start).line + 1}: ${ts.flattenDiagnosticMessageText(message, ' ')}`;
    }
  }
  return { refs, typeExports, dynamicUnknown, parseError, loc: countLoc(text), sourceFile };
}
