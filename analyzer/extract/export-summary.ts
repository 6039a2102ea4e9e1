/**
 * What a file exports, and which of those names are types only: interfaces, type aliases,
 * `export type { … }`, namespaces holding only types, and declare-only declarations
 * (`export declare const x: T`), which emit nothing. A name declared both as a type and as
 * a value (declaration merging) is a value. Names passed on from other modules are kept as
 * forwards, settled once imports are resolved.
 */
import ts from 'typescript';
import type { ExportKind, ExportSummary, ForwardedExport } from './file-summary.js';
import { literalText, requireCall, requireMember } from './import-refs.js';
import { assignedToExports, commonJsTarget, hasModifier } from '../signals/ast/syntax.js';

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

/** `require('x')` as a forward of the whole module, `require('x').a` as a forward of a. */
function requireForward(expression: ts.Expression): ForwardedExport | undefined {
  const whole = requireCall(expression);
  if (whole !== undefined) return { specifier: whole.specifier, name: '*', typeOnly: false };
  const member = requireMember(expression);
  return member === undefined ? undefined : { specifier: member.specifier, name: member.name, typeOnly: false };
}

/** Locals bound to what a require() returns: `const a = require('x')`, `const { b, c: d } = require('y')`. */
function requireBindings(statements: readonly ts.Statement[]): Map<string, ForwardedExport> {
  const bindings = new Map<string, ForwardedExport>();
  for (const statement of statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const forward = declaration.initializer ? requireForward(declaration.initializer) : undefined;
      if (!forward) continue;
      if (ts.isIdentifier(declaration.name)) bindings.set(declaration.name.text, forward);
      else if (ts.isObjectBindingPattern(declaration.name) && forward.name === '*') {
        for (const element of declaration.name.elements) {
          const key = element.propertyName ?? element.name;
          if (ts.isIdentifier(element.name) && ts.isIdentifier(key) && !element.dotDotDotToken)
            bindings.set(element.name.text, { ...forward, name: key.text });
        }
      }
    }
  }
  return bindings;
}

/**
 * CommonJS exports, for a file without ES module syntax: `module.exports = { a, b: require('./b'), ...require('./c') }`,
 * `exports.d = require('./d').d`, `module.exports = require('./e')`, and the same objects and
 * requires given to `Object.assign(module.exports, …)`. A file of requires and such
 * assignments only is a barrel.
 */
function summarizeCommonJs(statements: readonly ts.Statement[], summary: ExportSummary): void {
  const required = requireBindings(statements);
  /** What a value passes on: a require() of its own, or a local bound to one. */
  const forwardOf = (value: ts.Expression): ForwardedExport | undefined =>
    requireForward(value) ?? (ts.isIdentifier(value) ? required.get(value.text) : undefined);
  const pass = (name: string, value: ts.Expression): void => {
    const forward = forwardOf(value);
    if (forward) summary.forwarded.set(name, forward);
    else merge(summary.local, name, 'value');
  };
  let onlyForwards = true;
  /** An object whose properties become exports: an object literal, or a required module's whole exports. */
  const passObject = (value: ts.Expression): void => {
    const whole = forwardOf(value);
    if (whole?.name === '*') {
      summary.star.push({ specifier: whole.specifier, typeOnly: false });
      return;
    }
    if (!ts.isObjectLiteralExpression(value)) {
      onlyForwards = false;
      return;
    }
    for (const property of value.properties) {
      if (ts.isShorthandPropertyAssignment(property)) pass(property.name.text, property.name);
      else if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)))
        pass(property.name.text, property.initializer);
      else if (ts.isSpreadAssignment(property)) passObject(property.expression);
      else if (property.name !== undefined && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)))
        merge(summary.local, property.name.text, 'value');
      else onlyForwards = false;
    }
  };
  for (const statement of statements) {
    const assigned = ts.isExpressionStatement(statement) ? assignedToExports(statement.expression) : undefined;
    if (assigned) {
      for (const source of assigned) passObject(source);
      continue;
    }
    const assignment =
      ts.isExpressionStatement(statement) &&
      ts.isBinaryExpression(statement.expression) &&
      statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken
        ? statement.expression
        : undefined;
    const target = assignment ? commonJsTarget(assignment.left) : undefined;
    if (!assignment || target === undefined) {
      const harmless =
        (ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression)) ||
        (ts.isVariableStatement(statement) &&
          statement.declarationList.declarations.every(
            (declaration) => declaration.initializer && requireForward(declaration.initializer),
          ));
      onlyForwards &&= harmless;
      continue;
    }
    const value = assignment.right;
    if (target !== 'export=') {
      pass(target, value);
      continue;
    }
    if (forwardOf(value)?.name === '*' || ts.isObjectLiteralExpression(value)) passObject(value);
    else merge(summary.local, 'default', 'value');
  }
  summary.barrel = onlyForwards && summary.local.size === 0 && summary.forwarded.size + summary.star.length > 0;
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
  if (!hasExports) {
    summarizeCommonJs(statements, summary);
    return summary;
  }
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
