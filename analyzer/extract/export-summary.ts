/**
 * What a file exports, and which of those names are types only: interfaces, type aliases,
 * `export type { … }`, namespaces holding only types, and declare-only declarations
 * (`export declare const x: T`), which emit nothing. A name declared both as a type and as
 * a value (declaration merging) is a value. Names passed on from other modules are kept as
 * forwards, settled once imports are resolved.
 */
import ts from 'typescript';
import type { ExportKind, ExportSummary, ForwardedExport } from './file-summary.js';
import { literalText } from './import-refs.js';

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);

/** A namespace that emits no code: it holds only types (and namespaces that hold only types). */
function isTypeOnlyNamespace(node: ts.ModuleDeclaration): boolean {
  if (hasModifier(node, ts.SyntaxKind.DeclareKeyword)) return true;
  const body = node.body;
  if (body === undefined) return true;
  if (ts.isModuleDeclaration(body)) return isTypeOnlyNamespace(body);
  if (!ts.isModuleBlock(body)) return false;
  return body.statements.every(
    (statement) =>
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      (ts.isModuleDeclaration(statement) && isTypeOnlyNamespace(statement)) ||
      (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true),
  );
}

function bindingNames(name: ts.BindingName, out: string[]): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, out);
  return out;
}

/** Names a statement declares and what kind they are. */
function declared(statement: ts.Statement): { names: string[]; kind: ExportKind } | undefined {
  const declareOnly = hasModifier(statement, ts.SyntaxKind.DeclareKeyword);
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return { names: [statement.name.text], kind: 'type' };
  if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name))
    return { names: [statement.name.text], kind: isTypeOnlyNamespace(statement) ? 'type' : 'value' };
  if (ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement))
    return statement.name ? { names: [statement.name.text], kind: declareOnly ? 'type' : 'value' } : { names: [], kind: 'value' };
  if (ts.isVariableStatement(statement)) {
    const names: string[] = [];
    for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names);
    return { names, kind: declareOnly ? 'type' : 'value' };
  }
  if (ts.isImportEqualsDeclaration(statement)) return { names: [statement.name.text], kind: statement.isTypeOnly ? 'type' : 'value' };
  return undefined;
}

const merge = (kinds: Map<string, ExportKind>, name: string, kind: ExportKind): void => {
  if (kinds.get(name) !== 'value') kinds.set(name, kind);
};

type ImportedBinding = ForwardedExport;

function importedBindings(statements: readonly ts.Statement[]): Map<string, ImportedBinding> {
  const bindings = new Map<string, ImportedBinding>();
  for (const statement of statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause === undefined) continue;
    const specifier = literalText(statement.moduleSpecifier);
    if (specifier === undefined) continue;
    const clause = statement.importClause;
    if (clause.name) bindings.set(clause.name.text, { specifier, name: 'default', typeOnly: clause.isTypeOnly });
    const named = clause.namedBindings;
    if (named !== undefined && ts.isNamespaceImport(named))
      bindings.set(named.name.text, { specifier, name: '*', typeOnly: clause.isTypeOnly });
    else if (named !== undefined) {
      for (const element of named.elements) {
        const name = (element.propertyName ?? element.name).text;
        bindings.set(element.name.text, { specifier, name, typeOnly: clause.isTypeOnly || element.isTypeOnly });
      }
    }
  }
  return bindings;
}

export function summarizeExports(sourceFile: ts.SourceFile): ExportSummary {
  const summary: ExportSummary = { local: new Map(), forwarded: new Map(), star: [], barrel: false };
  const statements = sourceFile.statements;
  const kinds = new Map<string, ExportKind>();
  let hasExports = false;
  for (const statement of statements) {
    const found = declared(statement);
    if (found) for (const name of found.names) merge(kinds, name, found.kind);
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement) || hasModifier(statement, ts.SyntaxKind.ExportKeyword))
      hasExports = true;
  }
  if (!hasExports) return summary;
  const imports = importedBindings(statements);

  for (const statement of statements) {
    if (ts.isExportDeclaration(statement)) {
      const specifier = literalText(statement.moduleSpecifier);
      const clause = statement.exportClause;
      if (specifier !== undefined && clause === undefined) summary.star.push({ specifier, typeOnly: statement.isTypeOnly });
      else if (clause !== undefined && ts.isNamespaceExport(clause)) {
        // `export * as ns from './x'`: the namespace of x, passed on.
        if (specifier !== undefined) summary.forwarded.set(clause.name.text, { specifier, name: '*', typeOnly: statement.isTypeOnly });
        else merge(summary.local, clause.name.text, statement.isTypeOnly ? 'type' : 'value');
      } else if (clause !== undefined) {
        for (const element of clause.elements) {
          const exported = element.name.text;
          const local = (element.propertyName ?? element.name).text;
          const typeOnly = statement.isTypeOnly || element.isTypeOnly;
          const imported = imports.get(local);
          if (specifier !== undefined) summary.forwarded.set(exported, { specifier, name: local, typeOnly });
          else if (typeOnly) merge(summary.local, exported, 'type');
          else if (imported) summary.forwarded.set(exported, imported);
          else merge(summary.local, exported, kinds.get(local) ?? 'value');
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      if (statement.isExportEquals) continue;
      const expression = statement.expression;
      const imported = ts.isIdentifier(expression) ? imports.get(expression.text) : undefined;
      if (imported) summary.forwarded.set('default', imported);
      else merge(summary.local, 'default', ts.isIdentifier(expression) ? (kinds.get(expression.text) ?? 'value') : 'value');
    } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      const found = declared(statement);
      if (!found) continue;
      if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) merge(summary.local, 'default', found.kind);
      else for (const name of found.names) merge(summary.local, name, kinds.get(name) ?? found.kind);
    }
  }
  summary.barrel =
    summary.local.size === 0 &&
    summary.forwarded.size + summary.star.length > 0 &&
    statements.every(
      (statement) =>
        ts.isImportDeclaration(statement) ||
        ts.isExportDeclaration(statement) ||
        (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression) && imports.has(statement.expression.text)),
    );
  return summary;
}
